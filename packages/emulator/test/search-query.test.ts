import { describe, expect, it } from "vitest";
import type { FieldType } from "../src/custom-metadata/validate-value";
import { compileSearchQuery, mentionsType } from "../src/files/compile-search-query";
import { parseSearchQuery } from "../src/files/search-query";
import type { SearchableAsset } from "../src/files/searchable-asset";
import { ImageKitError } from "../src/http/imagekit-error";

const NOW = Date.parse("2024-06-15T12:00:00.000Z");
const PREFIX = "Your request contains invalid syntax for the searchQuery parameter. ";

const customFields = new Map<string, FieldType>([
  ["description", "Text"],
  ["quantitySold", "Number"],
  ["purchaseDate", "Date"],
  ["active", "Boolean"],
  ["rating", "SingleSelect"],
  ["tuples", "MultiSelect"],
]);

function asset(overrides: Partial<SearchableAsset> = {}): SearchableAsset {
  return {
    type: "file",
    id: "0123456789abcdef01234567",
    name: "red-dress-summer.jpg",
    path: "/products/dresses/",
    tags: ["summer-sale", "banner"],
    createdAt: "2024-06-10T08:00:00.000Z",
    updatedAt: "2024-06-14T08:00:00.000Z",
    fileType: "image",
    size: 150 * 1024,
    width: 800,
    height: 600,
    format: "jpg",
    isPrivate: false,
    isPublished: true,
    hasAlpha: false,
    customMetadata: {},
    embeddedMetadata: {},
    ...overrides,
  };
}

const matches = (query: string, subject: SearchableAsset = asset()) =>
  compileSearchQuery(parseSearchQuery(query), { customFields, now: NOW })(subject);

/** The 400 a query is answered with: its message without the common prefix. */
function rejection(query: string): string {
  try {
    compileSearchQuery(parseSearchQuery(query), { customFields, now: NOW });
  } catch (error) {
    expect(error).toBeInstanceOf(ImageKitError);
    const { status, message } = error as ImageKitError;
    expect(status).toBe(400);
    expect(message.startsWith(PREFIX)).toBe(true);
    return message.slice(PREFIX.length);
  }
  throw new Error(`accepted: ${query}`);
}

describe("parseSearchQuery: the documented syntax", () => {
  it.each([
    'createdAt > "7d"',
    'createdAt > "7d" AND name: "file-name"',
    '(size < "1mb" AND width > 500) OR (tags IN ["summer-sale","banner"])',
    'name = "red-dress-summer.jpg"',
    'name : "red-dress"',
    "createdAt < 2020-01-01",
    'createdAt < "2020-01-01T12:12:12"',
    "createdAt < 2d",
    "createdAt > 1w AND size > 50kb",
    "name = red_dress.jpg",
    "name : red",
    "size < 1mb OR height < 5000",
    'tags NOT IN ["big-banner"]',
    'name NOT = "red-dress.jpg"',
    'type IN ["file", "folder"]',
    '"customMetadata.description" = "black cars"',
    '"customMetadata.tuples" IN ["luxury", 500, true]',
    '"embeddedMetadata.Keywords" IN ["luxury", "dress"]',
    'name HAS "red dress"',
    "tags NOT EXISTS",
    'path : "/sales-banner/"',
    '"tags" IN ["football", "stadium"]',
  ])("%s", (query) => {
    expect(() => parseSearchQuery(query)).not.toThrow();
  });

  it("keeps fields, operators, values and their positions", () => {
    expect(parseSearchQuery('name NOT IN ["a", 5]')).toEqual({
      kind: "comparison",
      field: "name",
      quotedField: false,
      fieldAt: 0,
      op: "NOT IN",
      opAt: 5,
      values: [
        { text: "a", quoted: true, at: 13 },
        { text: "5", quoted: false, at: 18 },
      ],
    });
  });

  it("reads a bare date-time with colons as one value, and name:value without spaces", () => {
    const node = parseSearchQuery('createdAt < 2020-01-01T12:12:12 AND name:"x"');
    expect(node).toMatchObject({
      kind: "and",
      operands: [
        { field: "createdAt", op: "<", values: [{ text: "2020-01-01T12:12:12", quoted: false }] },
        { field: "name", op: ":", values: [{ text: "x", quoted: true }] },
      ],
    });
  });

  it("AND binds tighter than OR; parentheses group", () => {
    expect(parseSearchQuery('name = "a" OR name = "b" AND size > 1')).toMatchObject({
      kind: "or",
      operands: [{ kind: "comparison" }, { kind: "and" }],
    });
    expect(parseSearchQuery('(name = "a" OR name = "b") AND size > 1')).toMatchObject({
      kind: "and",
      operands: [{ kind: "or" }, { kind: "comparison" }],
    });
  });

  it('unescapes \\" and \\\\ inside strings', () => {
    expect(parseSearchQuery('name = "say \\"hi\\" \\\\ bye"')).toMatchObject({
      values: [{ text: 'say "hi" \\ bye', quoted: true }],
    });
  });

  it("mentionsType finds a type comparison anywhere", () => {
    expect(mentionsType(parseSearchQuery('name = "a" OR (size > 1 AND type = "folder")'))).toBe(
      true,
    );
    expect(mentionsType(parseSearchQuery('name = "a"'))).toBe(false);
  });
});

describe("malformed queries: 400 with ImageKit's error shape, pointing at the position", () => {
  it.each([
    ["", "Expected a field name at position 0."],
    [
      "name",
      "Expected an operator (=, :, <, <=, >, >=, IN, HAS, EXISTS, NOT =, NOT IN or NOT EXISTS) at position 4.",
    ],
    ["name =", "Expected a value at position 6."],
    ['name = "red', "Unterminated string at position 7."],
    ["name = 'red'", "Strings must be written within double quotes at position 7."],
    ['name != "red"', 'Unexpected character "!" at position 5.'],
    ['name ~ "red"', 'Unexpected character "~" at position 5.'],
    ['(name = "a"', 'Expected ")" at position 11.'],
    ['name = "a" size > 1', "Expected AND, OR or the end of the query at position 11."],
    ['name = "a" AND', "Expected a field name at position 14."],
    ['NOT name = "a"', "Expected a field name at position 0."],
    ['name NOT : "a"', "Expected =, IN or EXISTS after NOT at position 9."],
    ['tags IN "a"', 'Expected a list of values in "[ ]" at position 8.'],
    ['tags IN ["a" "b"]', 'Expected "," or "]" at position 13.'],
    ["tags IN []", "Expected a value at position 9."],
    [
      "tags IN [small]",
      "Values in a list other than numbers, true and false must be written within double quotes at position 9.",
    ],
    ["tags IN ['small']", "Strings must be written within double quotes at position 9."],
    ["name = AND", "Expected a value at position 7."],
  ])("%j", (query, reason) => {
    expect(rejection(query)).toBe(reason);
  });

  it.each([
    ['colour = "red"', 'Unknown field "colour" at position 0.'],
    ['name = "a" AND colour = "red"', 'Unknown field "colour" at position 15.'],
    [
      'size : "1mb"',
      "size cannot be compared with : (use =, <, <=, >, >=, IN, NOT =, NOT IN) at position 5.",
    ],
    [
      'tags = "sale"',
      "tags cannot be compared with = (use IN, NOT IN, HAS, EXISTS, NOT EXISTS) at position 5.",
    ],
    ['format : "jp"', "format cannot be compared with : (use =, IN) at position 7."],
    ['size > "big"', '"big" is not a size at position 7.'],
    ["width > wide", '"wide" is not a number at position 8.'],
    [
      'createdAt > "yesterday"',
      '"yesterday" is not a date (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or a relative time such as "7d") at position 12.',
    ],
    [
      'createdAt > "2024-02-30"',
      '"2024-02-30" is not a date (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or a relative time such as "7d") at position 12.',
    ],
    ['private = "true"', "Expected true or false (without quotes) at position 10."],
    ["private = yes", "Expected true or false (without quotes) at position 10."],
    [
      'type = "image"',
      '"image" is not a type (use "file", "folder" or "file-version") at position 7.',
    ],
    ['type = "file-version"', "The emulator does not list file versions at position 7."],
    [
      'customMetadata.description = "x"',
      "customMetadata fields must be written within double quotes at position 0.",
    ],
    ['"customMetadata.colour" = "red"', 'No custom metadata field named "colour" at position 0.'],
    [
      '"customMetadata.tuples" = "a"',
      "customMetadata.tuples cannot be compared with = (use IN, NOT IN) at position 24.",
    ],
    ['"customMetadata.rating" > "good"', '"good" is not a number at position 26.'],
    ['"embeddedMetadata.Make" = "Canon"', 'Unknown field "embeddedMetadata.Make" at position 0.'],
    [
      '"embeddedMetadata.LocationTaken" = "40,100 5km"',
      "The emulator does not search by embeddedMetadata.LocationTaken at position 0.",
    ],
    ['createdBy = "a@b.c"', "The emulator does not search by createdBy at position 0."],
    ['name HAS "--"', "HAS needs at least one word at position 9."],
  ])("%j", (query, reason) => {
    expect(rejection(query)).toBe(reason);
  });

  it("a format outside the documented list", () => {
    expect(rejection('format = "heic"')).toMatch(
      /^"heic" is not a format \(use one of jpg, webp, png/,
    );
  });
});

describe("evaluating a query on an asset", () => {
  it("name: = exact and case-sensitive, : begins with, IN, NOT =, NOT IN, HAS words", () => {
    expect(matches('name = "red-dress-summer.jpg"')).toBe(true);
    expect(matches('name = "Red-dress-summer.jpg"')).toBe(false);
    expect(matches('name : "red-dress"')).toBe(true);
    expect(matches('name : "dress"')).toBe(false);
    expect(matches('name IN ["a.jpg", "red-dress-summer.jpg"]')).toBe(true);
    expect(matches('name NOT = "red-dress-summer.jpg"')).toBe(false);
    expect(matches('name NOT IN ["a.jpg"]')).toBe(true);
    expect(matches('name HAS "Dress sum"')).toBe(true);
    expect(matches('name HAS "dress winter"')).toBe(false);
    expect(matches('name HAS "ress"')).toBe(false);
  });

  it("tags: IN any (tags and AITags alike), NOT IN none, EXISTS, HAS", () => {
    expect(matches('tags IN ["banner", "x"]')).toBe(true);
    expect(matches('tags IN ["x"]')).toBe(false);
    expect(matches('tags NOT IN ["big-banner"]')).toBe(true);
    expect(matches('tags NOT IN ["big-banner"]', asset({ tags: [] }))).toBe(true);
    expect(matches("tags EXISTS")).toBe(true);
    expect(matches("tags NOT EXISTS", asset({ tags: [] }))).toBe(true);
    expect(matches('tags HAS "sale"')).toBe(true);
  });

  it("dates: ISO 8601 (UTC without an offset, a space for the T), relative units", () => {
    expect(matches("createdAt > 2024-06-10")).toBe(true);
    expect(matches("createdAt < 2024-06-10")).toBe(false);
    expect(matches('createdAt = "2024-06-10T08:00:00"')).toBe(true);
    expect(matches('createdAt = "2024-06-10 08:00:00"')).toBe(true);
    expect(matches('createdAt >= "2024-06-10T10:00:00+02:00"')).toBe(true);
    expect(matches('createdAt > "7d"')).toBe(true);
    expect(matches('createdAt > "1d"')).toBe(false);
    expect(matches("createdAt > 2w AND updatedAt > 2d AND updatedAt < 1d")).toBe(true);
    expect(matches('createdAt > "1h"', asset({ createdAt: "2024-06-15T11:30:00.000Z" }))).toBe(
      true,
    );
    expect(matches('createdAt < "4m"', asset({ createdAt: "2024-02-14T00:00:00.000Z" }))).toBe(
      true,
    );
    expect(matches('createdAt < "1y"', asset({ createdAt: "2023-06-16T00:00:00.000Z" }))).toBe(
      false,
    );
    expect(matches('createdAt IN ["2024-06-10T08:00:00Z", "2020-01-01"]')).toBe(true);
  });

  it("size in bytes or with a unit (1 kb = 1024 bytes); width and height for images only", () => {
    expect(matches('size > "100kb" AND size < "1mb"')).toBe(true);
    expect(matches("size = 153600")).toBe(true);
    expect(matches('size IN [1, "150kb"]')).toBe(true);
    expect(matches("size <= 50kb")).toBe(false);
    expect(matches("width > 500 AND height <= 600")).toBe(true);
    const video = asset({ fileType: "non-image", format: "mp4", duration: 90 });
    expect(matches("width > 500", video)).toBe(false);
    // A negated comparison is the exact opposite: it holds where the value is missing.
    expect(matches("width NOT = 800", video)).toBe(true);
    expect(matches('videoDuration > "1min" AND videoDuration < "1.5min"', video)).toBe(false);
    expect(matches('videoDuration >= "1.5min" AND videoDuration < 2m', video)).toBe(true);
  });

  it("format, private, published, transparency, id, type", () => {
    expect(matches('format = "jpg"')).toBe(true);
    expect(matches('format IN ["png", "webp"]')).toBe(false);
    expect(matches("private = false AND published = true")).toBe(true);
    expect(matches("transparency = true", asset({ hasAlpha: true }))).toBe(true);
    expect(matches("transparency = false", asset({ fileType: "non-image" }))).toBe(false);
    expect(matches('id = "0123456789abcdef01234567"')).toBe(true);
    expect(matches('type = "file"')).toBe(true);
    expect(matches('type NOT IN ["folder"]')).toBe(true);
  });

  it("path: = is the folder itself, : the folder and its subfolders; either slash form", () => {
    expect(matches('path = "/products/dresses/"')).toBe(true);
    expect(matches('path = "products/dresses"')).toBe(true);
    expect(matches('path = "/products/"')).toBe(false);
    expect(matches('path : "/products"')).toBe(true);
    expect(matches('path : "/product"')).toBe(false);
    expect(matches('path : "/"')).toBe(true);
  });

  it("a folder: its path is the folder holding it; it has no size, tags or format", () => {
    const folder = asset({
      type: "folder",
      name: "dresses",
      path: "/products/",
      tags: [],
      fileType: undefined,
      size: undefined,
      width: undefined,
      height: undefined,
      format: undefined,
      isPrivate: undefined,
      isPublished: undefined,
      hasAlpha: undefined,
    });
    expect(matches('type = "folder" AND name = "dresses" AND path = "/products/"', folder)).toBe(
      true,
    );
    expect(matches('size < "1mb"', folder)).toBe(false);
    expect(matches("tags NOT EXISTS", folder)).toBe(true);
  });

  it("custom metadata by the field's type", () => {
    const withMetadata = asset({
      customMetadata: {
        description: "black cars",
        quantitySold: 250,
        purchaseDate: "2024-06-01",
        active: true,
        rating: 4.5,
        tuples: ["luxury", 500, true],
      },
    });
    const holds = (query: string) => matches(query, withMetadata);
    expect(holds('"customMetadata.description" = "black cars"')).toBe(true);
    expect(holds('"customMetadata.description" : "black"')).toBe(true);
    expect(holds('"customMetadata.description" IN ["red cars"]')).toBe(false);
    expect(holds('"customMetadata.description" HAS "CARS"')).toBe(true);
    expect(
      holds('"customMetadata.quantitySold" > 200 AND "customMetadata.quantitySold" <= 250'),
    ).toBe(true);
    expect(
      holds(
        '"customMetadata.purchaseDate" > "2024-05-31" AND "customMetadata.purchaseDate" > "30d"',
      ),
    ).toBe(true);
    expect(holds('"customMetadata.active" = true')).toBe(true);
    expect(holds('"customMetadata.rating" > 4.3')).toBe(true);
    expect(holds('"customMetadata.rating" = 4.5')).toBe(true);
    expect(holds('"customMetadata.rating" IN ["excellent", 4.5]')).toBe(true);
    expect(holds('"customMetadata.tuples" IN [500]')).toBe(true);
    expect(holds('"customMetadata.tuples" IN [true]')).toBe(true);
    expect(holds('"customMetadata.tuples" NOT IN ["big-banner"]')).toBe(true);
    // A file without a value for the field.
    expect(matches('"customMetadata.quantitySold" > 0')).toBe(false);
    expect(matches('"customMetadata.description" NOT = "x"')).toBe(true);
  });

  it("embedded metadata: Keywords and DateTimeOriginal", () => {
    const photo = asset({
      embeddedMetadata: {
        Keywords: ["luxury", "dress"],
        DateTimeOriginal: "2023-12-24T18:00:00.000Z",
      },
    });
    expect(matches('"embeddedMetadata.Keywords" IN ["dress"]', photo)).toBe(true);
    expect(matches('"embeddedMetadata.Keywords" NOT IN ["luxury"]', photo)).toBe(false);
    expect(matches('"embeddedMetadata.Keywords" EXISTS', asset())).toBe(false);
    expect(
      matches(
        '"embeddedMetadata.Keywords" IN ["dress"]',
        asset({ embeddedMetadata: { Keywords: "dress" } }),
      ),
    ).toBe(true);
    expect(matches('"embeddedMetadata.DateTimeOriginal" > "1y"', photo)).toBe(true);
    expect(matches('"embeddedMetadata.DateTimeOriginal" < 2023-01-01', photo)).toBe(false);
  });

  it("AND, OR and parentheses combine as documented", () => {
    expect(matches('(size < "1mb" AND width > 500) OR (tags IN ["x"])')).toBe(true);
    expect(matches('(size < "1mb" AND width > 5000) OR (tags IN ["x"])')).toBe(false);
    expect(matches('name = "x" OR name : "red" AND size > "1mb"')).toBe(false);
    expect(matches('(name = "x" OR name : "red") AND size < "1mb"')).toBe(true);
    expect(matches('name = "a" and size > 1 or tags in ["banner"]')).toBe(true);
  });
});
