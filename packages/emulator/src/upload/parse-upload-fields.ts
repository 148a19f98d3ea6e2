import { type Extension, parseExtensions } from "../extensions/parse-extensions";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";

export type { Extension } from "../extensions/parse-extensions";

export const RESPONSE_FIELDS = [
  "tags",
  "customCoordinates",
  "isPrivateFile",
  "embeddedMetadata",
  "isPublished",
  "customMetadata",
  "metadata",
  "selectedFieldsSchema",
] as const;
export type ResponseField = (typeof RESPONSE_FIELDS)[number];

export type PostTransformation =
  | { type: "transformation"; value: string }
  | { type: "gif-to-video"; value?: string }
  | { type: "thumbnail"; value?: string }
  | { type: "abs"; value: string; protocol: "hls" | "dash" };

export interface UploadParams {
  fileName: string;
  useUniqueFileName: boolean;
  tags: string[] | undefined;
  folder: string;
  isPrivateFile: boolean;
  isPublished: boolean;
  customCoordinates: string | undefined;
  responseFields: ResponseField[];
  extensions: Extension[];
  webhookUrl: string | undefined;
  overwriteFile: boolean;
  overwriteAITags: boolean;
  overwriteTags: boolean;
  overwriteCustomMetadata: boolean;
  customMetadata: Record<string, unknown> | undefined;
  transformation: { pre?: string; post?: PostTransformation[] } | undefined;
  checks: string | undefined;
  description: string | undefined;
}

const invalid = (name: string) => new ImageKitError(400, MESSAGES.invalidParameter(name));

function bool(fields: Record<string, string>, name: string, fallback: boolean): boolean {
  const value = fields[name];
  if (value === undefined || value === "") return fallback;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalid(name);
}

function json(fields: Record<string, string>, name: string, error: ImageKitError): unknown {
  const value = fields[name];
  if (value === undefined || value === "") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw error;
  }
}

/** Documented: letters, marks and numbers of any script, `.` and `-`; anything else becomes `_`. */
export function sanitizeFileName(name: string): string {
  return name.replace(/[^\p{L}\p{M}\p{N}.-]/gu, "_");
}

/**
 * `/images/folder/` form: leading and trailing `/`, empty segments dropped. Characters outside
 * the documented set become `_` like in file names; `..` and more than 50 levels are refused
 * (emulator choices).
 */
export function normalizeFolder(folder: string | undefined): string {
  if (folder === undefined || folder.trim() === "") return "/";
  const segments = folder.split("/").filter((segment) => segment !== "");
  if (segments.some((segment) => segment === ".." || segment === ".")) throw invalid("folder");
  if (segments.length > 50) throw invalid("folder");
  const clean = segments.map((segment) => segment.replace(/[^\p{L}\p{M}\p{N}_-]/gu, "_"));
  return clean.length === 0 ? "/" : `/${clean.join("/")}/`;
}

function parseTags(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const tags = value
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
  if (value.includes("%") || tags.join("").length > 500) throw invalid("tags");
  return tags;
}

function parseCoordinates(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^\d+,\d+,\d+,\d+$/.test(value.replace(/\s/g, ""))) throw invalid("customCoordinates");
  return value.replace(/\s/g, "");
}

function parseResponseFields(value: string | undefined): ResponseField[] {
  if (value === undefined || value === "") return [];
  const names = value.split(",").map((name) => name.trim());
  for (const name of names)
    if (!(RESPONSE_FIELDS as readonly string[]).includes(name)) throw invalid("responseFields");
  return names as ResponseField[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function parseExtensionsField(fields: Record<string, string>): Extension[] {
  const value = json(fields, "extensions", invalid("extensions"));
  return value === undefined ? [] : parseExtensions(value);
}

function parseTransformation(fields: Record<string, string>): UploadParams["transformation"] {
  const bad = new ImageKitError(400, MESSAGES.invalidTransformation);
  const value = json(fields, "transformation", bad);
  if (value === undefined) return undefined;
  if (!isObject(value) || (value.pre === undefined && value.post === undefined)) throw bad;
  const result: NonNullable<UploadParams["transformation"]> = {};
  if (value.pre !== undefined) {
    if (typeof value.pre !== "string" || value.pre.trim() === "") throw bad;
    result.pre = value.pre;
  }
  if (value.post !== undefined) {
    if (!Array.isArray(value.post)) throw bad;
    result.post = value.post.map((step): PostTransformation => {
      if (!isObject(step)) throw bad;
      const text = (v: unknown) => typeof v === "string" && v.trim() !== "";
      switch (step.type) {
        case "transformation":
          if (!text(step.value)) throw bad;
          return { type: "transformation", value: step.value as string };
        case "gif-to-video":
        case "thumbnail":
          if (step.value !== undefined && !text(step.value)) throw bad;
          return { type: step.type, ...(step.value ? { value: step.value as string } : {}) };
        case "abs":
          if (!text(step.value) || (step.protocol !== "hls" && step.protocol !== "dash")) throw bad;
          return { type: "abs", value: step.value as string, protocol: step.protocol };
        default:
          throw bad;
      }
    });
  }
  return result;
}

function parseCustomMetadata(fields: Record<string, string>): Record<string, unknown> | undefined {
  const bad = new ImageKitError(400, MESSAGES.invalidCustomMetadata, {
    customMetadata: "must be a JSON object",
  });
  const value = json(fields, "customMetadata", bad);
  if (value === undefined) return undefined;
  if (!isObject(value)) throw bad;
  return value;
}

function parseWebhookUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("protocol");
    return url.toString();
  } catch {
    throw invalid("webhookUrl");
  }
}

/** Every documented form field, with its rules and defaults, from the strings on the wire. */
export function parseUploadFields(fields: Record<string, string>): UploadParams {
  const fileName = fields.fileName;
  if (fileName === undefined || fileName.trim() === "")
    throw new ImageKitError(400, MESSAGES.missingParameter("fileName"));
  return {
    fileName: sanitizeFileName(fileName),
    useUniqueFileName: bool(fields, "useUniqueFileName", true),
    tags: parseTags(fields.tags),
    folder: normalizeFolder(fields.folder),
    isPrivateFile: bool(fields, "isPrivateFile", false),
    isPublished: bool(fields, "isPublished", true),
    customCoordinates: parseCoordinates(fields.customCoordinates),
    responseFields: parseResponseFields(fields.responseFields),
    extensions: parseExtensionsField(fields),
    webhookUrl: parseWebhookUrl(fields.webhookUrl),
    overwriteFile: bool(fields, "overwriteFile", true),
    overwriteAITags: bool(fields, "overwriteAITags", true),
    overwriteTags: bool(fields, "overwriteTags", true),
    overwriteCustomMetadata: bool(fields, "overwriteCustomMetadata", true),
    customMetadata: parseCustomMetadata(fields),
    transformation: parseTransformation(fields),
    checks: fields.checks === "" ? undefined : fields.checks,
    description: fields.description === "" ? undefined : fields.description,
  };
}
