import mime from "mime";
import { baseType, EXTENSION_ALIASES, MIME_ALIASES } from "./type-aliases";

/**
 * `name` with an extension that belongs to `type`, so that whoever serves the file by its name
 * (a CDN, a browser saving it) treats it as what it is (OWASP File Upload Cheat Sheet):
 *
 * - Its extension already belongs to `type` (case-insensitive; `.jpeg` and `.jfif` for
 *   image/jpeg, `.png` for image/apng…): `name` as it is (`IMG.JPG` stays `IMG.JPG`).
 * - Otherwise its last extension is replaced by the type's usual one (`invoice.exe` holding a PDF
 *   → `invoice.pdf`), or one is appended when it has none (`scan` → `scan.pdf`; `v1.2` →
 *   `v1.2.pdf`: a segment of digits or with spaces is part of the name, not an extension).
 * - `type` empty, `application/octet-stream` or unknown to `mime`: `name` as it is, there is
 *   nothing to agree with.
 *
 * Trailing dots and spaces are dropped (`page.pdf.` → `page.pdf`): Windows drops them too, so
 * they cannot hide the real extension. A name that is only an extension (`.png`) is treated as
 * one. A blank name, or one with control characters, stays blank or keeps them: the correction
 * never turns a name that validation refuses into one it accepts. A corrected name never grows past 255 characters or the name's own length, whichever is
 * more (its base is shortened), so it stays within any limit the original met.
 *
 * Pure: the same answer for the same arguments, on any runtime.
 */
export function nameForType(name: string, type: string): string {
  const base = baseType(type);
  if (base === "" || base === "application/octet-stream") return name;
  const known = typeExtensions(base);
  if (known === undefined || name.trim() === "") return name;
  const { main, all } = known;

  const trimmed = name.replace(/[. ]+$/, "");
  const dot = trimmed.lastIndexOf(".");
  const extension = dot === -1 ? "" : trimmed.slice(dot + 1);
  if (extension !== "" && all.has(extension.toLowerCase())) return trimmed;
  const stem = looksLikeExtension(extension) ? trimmed.slice(0, dot) : trimmed;
  const room = Math.max(name.length, MAX_GROWN_LENGTH) - main.length - 1;
  return `${truncate(stem, room)}.${main}`;
}

/** A corrected name may grow up to this length (a common file system limit), never beyond. */
const MAX_GROWN_LENGTH = 255;

/** Where `mime`'s first extension is a rare spelling of the type's usual one. */
const MAIN_EXTENSIONS: Record<string, string> = {
  "audio/mpeg": "mp3",
  "audio/aac": "aac",
  "audio/ogg": "ogg",
  "video/quicktime": "mov",
};

/**
 * A type's usual extension and all of its extensions, worked out once per type: the lookups
 * through `mime` and the alias tables cost more than the rest of signing a file's name. Only
 * types with an extension are kept, and `mime` knows a fixed number of them, so whatever types
 * clients send, the map stays small.
 */
function typeExtensions(type: string): { main: string; all: Set<string> } | undefined {
  let known = knownTypes.get(type);
  if (!known) {
    const main = mainExtension(type);
    if (main === undefined) return undefined;
    known = { main, all: extensionsOf(type) };
    knownTypes.set(type, known);
  }
  return known;
}

const knownTypes = new Map<string, { main: string; all: Set<string> }>();

function mainExtension(type: string): string | undefined {
  if (MAIN_EXTENSIONS[type]) return MAIN_EXTENSIONS[type];
  for (const related of relatedTypes(type)) {
    const extension = mime.getExtension(related);
    if (extension) return extension;
  }
  return undefined;
}

/** Every extension a file of `type` may carry, lower case, without the dot. */
function extensionsOf(type: string): Set<string> {
  const extensions = new Set<string>();
  const main = MAIN_EXTENSIONS[type];
  if (main) extensions.add(main);
  for (const related of relatedTypes(type)) {
    for (const extension of mime.getAllExtensions(related) ?? []) {
      extensions.add(extension);
      for (const alias of EXTENSION_ALIASES[extension] ?? []) extensions.add(alias);
    }
  }
  return extensions;
}

/** `type` first, then its aliases, then the types it is an alias of (`image/jpg` → image/jpeg). */
function relatedTypes(type: string): string[] {
  const related = [type, ...(MIME_ALIASES[type] ?? [])];
  for (const [canonical, aliases] of Object.entries(MIME_ALIASES)) {
    if (aliases.includes(type)) related.push(canonical, ...aliases);
  }
  return [...new Set(related)];
}

/** A short run of ASCII letters and digits with a letter: `exe`, `mp4`, `7z`; not `2` nor `a b`. */
function looksLikeExtension(segment: string): boolean {
  return /^[a-z0-9]{1,12}$/i.test(segment) && /[a-z]/i.test(segment);
}

/** The first `length` UTF-16 units of `text`, without splitting a surrogate pair. */
function truncate(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = Math.max(0, length);
  const last = text.charCodeAt(cut - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? cut - 1 : cut);
}
