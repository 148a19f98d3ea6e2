import type { FieldType } from "../custom-metadata/validate-value";
import {
  booleanMatcher,
  listMatcher,
  type Matcher,
  orderedMatcher,
  selectMatcher,
  textMatcher,
} from "./search-matchers";
import { invalidSearchQuery, type Literal, type Operator } from "./search-query";
import { dateValue, durationValue, numberValue, sizeValue, storedDate } from "./search-values";
import { SEARCH_FORMATS, type SearchableAsset } from "./searchable-asset";

/** A field a `searchQuery` can name: its documented operators, how to read it, how to compare. */
export interface SearchField {
  ops: readonly Operator[];
  read: (asset: SearchableAsset) => unknown;
  matcher: Matcher;
}

const ORDERED: readonly Operator[] = ["=", "<", "<=", ">", ">=", "IN", "NOT =", "NOT IN"];
const EQUALITY: readonly Operator[] = ["=", "IN", "NOT =", "NOT IN"];
const EXACT_OR_PREFIX: readonly Operator[] = ["=", ":", "IN", "NOT =", "NOT IN"];
const TEXT: readonly Operator[] = [...EXACT_OR_PREFIX, "HAS"];
const LIST: readonly Operator[] = ["IN", "NOT IN", "HAS", "EXISTS", "NOT EXISTS"];

/** `/a/b/` for `a/b`, `/a/b` or `/a/b/`: a query may write a folder either way. */
const folderForm = (text: string) => {
  const inner = text.replace(/^\/+|\/+$/g, "");
  return inner ? `/${inner}/` : "/";
};

function checkType(literal: Literal): void {
  if (literal.text === "file" || literal.text === "folder") return;
  if (literal.text === "file-version")
    throw invalidSearchQuery("The emulator does not list file versions", literal.at);
  throw invalidSearchQuery(
    `${JSON.stringify(literal.text)} is not a type (use "file", "folder" or "file-version")`,
    literal.at,
  );
}

function checkFormat(literal: Literal): void {
  if (!SEARCH_FORMATS.includes(literal.text))
    throw invalidSearchQuery(
      `${JSON.stringify(literal.text)} is not a format (use one of ${SEARCH_FORMATS.join(", ")})`,
      literal.at,
    );
}

const imageOnly = (asset: SearchableAsset, value: unknown) =>
  asset.fileType === "image" ? value : undefined;

const field = (
  ops: readonly Operator[],
  read: SearchField["read"],
  matcher: Matcher,
): SearchField => ({ ops, read, matcher });

const dateField = (read: (asset: SearchableAsset) => unknown, now: number): SearchField => ({
  ops: ORDERED,
  read: (asset) => storedDate(read(asset)),
  matcher: orderedMatcher((literal) => dateValue(literal, now)),
});

/** The documented fields, by name (the "Supported parameters" table). */
function builtInFields(now: number): ReadonlyMap<string, SearchField> {
  const numeric = (read: SearchField["read"]) => field(ORDERED, read, orderedMatcher(numberValue));
  return new Map<string, SearchField>([
    ["name", field(TEXT, (a) => a.name, textMatcher())],
    ["tags", field(LIST, (a) => a.tags, listMatcher)],
    ["type", field(EQUALITY, (a) => a.type, textMatcher(undefined, checkType))],
    ["id", field(EQUALITY, (a) => a.id, textMatcher())],
    ["path", field(EXACT_OR_PREFIX, (a) => a.path, textMatcher(folderForm))],
    ["createdAt", dateField((a) => a.createdAt, now)],
    ["updatedAt", dateField((a) => a.updatedAt, now)],
    ["width", numeric((a) => imageOnly(a, a.width))],
    ["height", numeric((a) => imageOnly(a, a.height))],
    ["size", field(ORDERED, (a) => a.size, orderedMatcher(sizeValue))],
    ["videoDuration", field(ORDERED, (a) => a.duration, orderedMatcher(durationValue))],
    ["format", field(["=", "IN"], (a) => a.format, textMatcher(undefined, checkFormat))],
    ["private", field(["="], (a) => a.isPrivate, booleanMatcher)],
    ["published", field(["="], (a) => a.isPublished, booleanMatcher)],
    ["transparency", field(["="], (a) => imageOnly(a, a.hasAlpha), booleanMatcher)],
  ]);
}

/** The embedded metadata fields ImageKit searches (the emulator evaluates these two). */
function embeddedField(key: string, now: number): SearchField | undefined {
  const read = (a: SearchableAsset) => a.embeddedMetadata[key];
  if (key === "Keywords")
    return { ops: LIST.filter((op) => op !== "HAS"), read, matcher: listMatcher };
  if (key === "DateTimeOriginal") return dateField(read, now);
  return undefined;
}

/** A custom metadata field's operators and comparison follow its schema type. */
function customField(key: string, type: FieldType, now: number): SearchField {
  const read = (a: SearchableAsset) => a.customMetadata[key];
  switch (type) {
    case "Text":
    case "Textarea":
      return { ops: TEXT, read, matcher: textMatcher() };
    case "Number":
      return { ops: ORDERED, read, matcher: orderedMatcher(numberValue) };
    case "Date":
      return dateField(read, now);
    case "Boolean":
      return { ops: ["="], read, matcher: booleanMatcher };
    case "SingleSelect":
      return field([...EXACT_OR_PREFIX, "<", "<=", ">", ">="], read, selectMatcher);
    case "MultiSelect":
      return { ops: ["IN", "NOT IN"], read, matcher: listMatcher };
  }
}

/** Documented, but the emulator has nothing to compare them with. */
const NOT_EVALUATED = new Set(["createdBy", "embeddedMetadata.LocationTaken"]);

export interface FieldContext {
  /** The live custom metadata fields' types, by name. */
  customFields: ReadonlyMap<string, FieldType>;
  /** What relative dates (`7d`) count back from. */
  now: number;
}

function prefixedField(
  prefix: string,
  key: string,
  at: number,
  context: FieldContext,
): SearchField {
  if (prefix === "embeddedMetadata") {
    const field = embeddedField(key, context.now);
    if (field) return field;
    throw invalidSearchQuery(`Unknown field "embeddedMetadata.${key}"`, at);
  }
  const type = context.customFields.get(key);
  if (type) return customField(key, type, context.now);
  throw invalidSearchQuery(`No custom metadata field named ${JSON.stringify(key)}`, at);
}

export type FieldResolver = (name: string, quoted: boolean, at: number) => SearchField;

/**
 * Finds the field a comparison names. `customMetadata.*` and `embeddedMetadata.*` must be
 * written in double quotes, as documented; an unknown name is a 400 at its position.
 */
export function createFieldResolver(context: FieldContext): FieldResolver {
  const builtIn = builtInFields(context.now);
  return (name, quoted, at) => {
    if (NOT_EVALUATED.has(name))
      throw invalidSearchQuery(`The emulator does not search by ${name}`, at);
    const [prefix = "", ...rest] = name.split(".");
    if ((prefix === "customMetadata" || prefix === "embeddedMetadata") && rest.length > 0) {
      if (!quoted)
        throw invalidSearchQuery(`${prefix} fields must be written within double quotes`, at);
      return prefixedField(prefix, rest.join("."), at, context);
    }
    const field = builtIn.get(name);
    if (!field) throw invalidSearchQuery(`Unknown field ${JSON.stringify(name)}`, at);
    return field;
  };
}
