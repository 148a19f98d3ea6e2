import type { EmulatorContext } from "../context";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import { LIST_SORTS, type ListQuery } from "../storage/file-repository";
import { normalizeFolder } from "../upload/parse-upload-fields";
import { type AssetPredicate, compileSearchQuery, mentionsType } from "./compile-search-query";
import { parseSearchQuery } from "./search-query";

export type AssetType = "file" | "folder";

/** One `GET /v1/files`, read: the SQL-side filters, which asset types, the search. */
export interface ListRequest {
  query: ListQuery;
  types: ReadonlySet<AssetType>;
  /** The compiled `searchQuery`, when one was sent. */
  match?: AssetPredicate;
}

/** The documented 400 for another `type` (OpenAPI, list and search assets). */
export const INVALID_TYPE =
  "Your request contains invalid value for type parameter. Please provide one of the following: file, file-version, folder, all.";
export const FILE_VERSIONS_NOT_LISTED =
  "The emulator does not list file versions (type=file-version).";

const TYPES: Readonly<Record<string, readonly AssetType[]>> = {
  file: ["file"],
  folder: ["folder"],
  all: ["file", "folder"],
};

/** `type`: default `file`; `all` is files and folders. */
function readTypes(raw: string | null): ReadonlySet<AssetType> {
  if (raw === null || raw === "") return new Set(["file"]);
  if (raw === "file-version") throw new ImageKitError(400, FILE_VERSIONS_NOT_LISTED);
  const types = Object.hasOwn(TYPES, raw) ? TYPES[raw] : undefined;
  if (!types) throw new ImageKitError(400, INVALID_TYPE);
  return new Set(types);
}

function readNumber(url: URL, name: string, fallback: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new ImageKitError(400, MESSAGES.invalidParameter(name));
  return value;
}

function readTags(raw: string | null): string[] | undefined {
  const tags = raw
    ?.split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
  return tags?.length ? tags : undefined;
}

function readQuery(url: URL): ListQuery {
  const path = url.searchParams.get("path");
  const tags = readTags(url.searchParams.get("tags"));
  const fileType = url.searchParams.get("fileType");
  const sort = url.searchParams.get("sort");
  if (sort !== null && !(LIST_SORTS as readonly string[]).includes(sort))
    throw new ImageKitError(400, MESSAGES.invalidParameter("sort"));
  if (fileType !== null && !["all", "image", "non-image"].includes(fileType))
    throw new ImageKitError(400, MESSAGES.invalidParameter("fileType"));
  return {
    ...(path ? { path: normalizeFolder(path) } : {}),
    ...(tags ? { tags } : {}),
    ...(fileType && fileType !== "all" ? { fileType: fileType as "image" | "non-image" } : {}),
    ...(sort ? { sort: sort as ListQuery["sort"] } : {}),
    limit: readNumber(url, "limit", 1000, 1000),
    skip: readNumber(url, "skip", 0, Number.MAX_SAFE_INTEGER),
  };
}

/**
 * Reads the list API's parameters. With a `searchQuery`, `tags` and `type` have no effect (as
 * documented); the query itself picks the types: files only unless it names `type`.
 */
export function readListRequest(url: URL, ctx: EmulatorContext): ListRequest {
  const query = readQuery(url);
  const types = readTypes(url.searchParams.get("type"));
  const source = url.searchParams.get("searchQuery");
  if (source === null || source.trim() === "") return { query, types };
  const node = parseSearchQuery(source);
  const customFields = new Map(ctx.customMetadata.list().map((f) => [f.name, f.schema.type]));
  const match = compileSearchQuery(node, { customFields, now: Date.now() });
  const { tags: _ignored, ...rest } = query;
  const searched: AssetType[] = mentionsType(node) ? ["file", "folder"] : ["file"];
  return { query: rest, types: new Set(searched), match };
}
