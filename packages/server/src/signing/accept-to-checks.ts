import mime from "mime";
import { CONTAINERS, MIME_ALIASES } from "../naming/type-aliases";

/**
 * Other names of the types a detector reports: the proxy's table (an accept list naming
 * `image/jpg` holds a file ImageKit detects as `image/jpeg`), and text formats, which ImageKit
 * types by extension and tables name differently. These stay out of the shared table because the
 * proxy reads it too: there `text/xml` would admit sniffed XML for a `text/xml` entry whatever its
 * name, and the stored name would keep `.mjs` for JavaScript or gain `.yaml` for YAML.
 */
const DETECTED_ALIASES: Readonly<Record<string, readonly string[]>> = {
  ...MIME_ALIASES,
  "application/javascript": ["text/javascript"],
  "text/javascript": ["application/javascript"],
  "application/yaml": ["text/yaml", "application/x-yaml"],
  "application/xml": ["text/xml"],
  "text/xml": ["application/xml"],
};

/**
 * The binary containers, whose magic number is all a detector may look at: a format living in
 * one also admits the container.
 */
const BINARY_CONTAINERS = Object.entries(CONTAINERS)
  .filter(([, container]) => container.binary)
  .map(([mime, container]) => ({ mime, holds: container.types }));

// Only documented forms: a quoted field, `:` ("starts with") or `=`, quoted values, OR. A list
// could be shorter with `IN`, but ImageKit's docs show no example of its list syntax.
const startsWith = (prefix: string) => `"file.mime" : "${prefix}"`;
const equals = (type: string) => `"file.mime" = "${type}"`;

/** `image/` for `image/*`: the documented prefix operator, plus detected types aliased into it. */
function familyTerms(prefix: string): string[] {
  const aliased = Object.keys(DETECTED_ALIASES).filter(
    (detected) =>
      !detected.startsWith(prefix) &&
      DETECTED_ALIASES[detected]?.some((name) => name.startsWith(prefix)),
  );
  return [startsWith(prefix), ...aliased.map(equals)];
}

/** The type itself, the detected types it is another name of, and its container. */
function typeTerms(type: string): string[] {
  const aliased = Object.keys(DETECTED_ALIASES).filter((detected) =>
    DETECTED_ALIASES[detected]?.includes(type),
  );
  const containers = BINARY_CONTAINERS.filter(({ holds }) => holds.test(type)).map(
    ({ mime }) => mime,
  );
  return [...new Set([type, ...aliased, ...containers])].map(equals);
}

/** The terms for one accept entry; undefined when its detected MIME cannot be named. */
function entryTerms(entry: string): string[] | undefined {
  if (!/^(\.[a-z0-9]+|[a-z0-9.+-]+\/(\*|[a-z0-9.+-]+))$/.test(entry)) {
    // A quote in an entry would change the signed expression: only validated entries come here.
    throw new TypeError(`Invalid accept pattern: "${entry}"`);
  }
  if (entry.startsWith(".")) {
    const type = mime.getType(`file${entry}`);
    return type ? typeTerms(type) : undefined;
  }
  if (entry.endsWith("/*")) return familyTerms(entry.slice(0, -1));
  return typeTerms(entry);
}

/**
 * The ImageKit `checks` expression that holds for the files whose detected MIME fits the accept
 * list (as resolved by `resolveRestrictions`), so that ImageKit itself refuses, on a signed
 * direct upload, bytes of another type. ImageKit detects binary files by magic number and text
 * files by extension (the file name is signed too). Undefined when there is no accept list.
 *
 * - `image/*` → `"file.mime" : "image/"` (`:` is documented as "starts with").
 * - `application/pdf` → `"file.mime" = "application/pdf"`, plus the detected types it is another
 *   name of (`image/jpg` also admits `image/jpeg`).
 * - `.pdf` → the extension's MIME type by the `mime` package, as above.
 *
 * What cannot be expressed exactly:
 * - An extension with no known MIME type: what ImageKit would detect is unknown, so any check
 *   would risk refusing the very files the profile accepts. As the entries are alternatives (OR),
 *   one unknown entry leaves nothing to bind: the result is then undefined, and the type is only
 *   checked when the upload is completed (`complete`).
 * - Formats inside a generic container (.docx, .xlsx, .odt, .epub in a zip; .doc, .xls in an OLE
 *   file): ImageKit may report the container, so the container type is admitted too, and with it
 *   any zip (or OLE file); `complete` still checks the name and type.
 * - The extension itself: checks have no "ends with"; the signed `fileName` binds the name.
 *
 * A disjunction comes in parentheses, so the result can be joined to other checks with AND.
 */
export function acceptToChecks(accept: string[] | undefined): string | undefined {
  if (!accept || accept.length === 0) return undefined;
  const terms: string[] = [];
  for (const entry of accept) {
    const found = entryTerms(entry.trim().toLowerCase());
    if (!found) return undefined;
    for (const term of found) if (!terms.includes(term)) terms.push(term);
  }
  return terms.length === 1 ? terms[0] : `(${terms.join(" OR ")})`;
}
