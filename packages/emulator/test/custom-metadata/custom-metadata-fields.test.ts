import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CustomMetadataFields,
  CUSTOM_METADATA_MESSAGES as M,
} from "../../src/custom-metadata/custom-metadata-fields";
import { MESSAGES } from "../../src/http/imagekit-error";
import { expectError, type Fixture, openFixture } from "./helpers";

const INVALID = M.invalidFieldObject;

let fx: Fixture;
beforeEach(() => {
  fx = openFixture();
});
afterEach(() => fx.close());

const price = {
  name: "price",
  label: "Price",
  schema: { type: "Number", minValue: 1000, maxValue: 3000 },
};

describe("create", () => {
  it("returns { id, name, label, schema } with a 24-hex id", () => {
    const field = fx.fields.create(price);
    expect(field).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), ...price });
    expect(Object.keys(field)).toEqual(["id", "name", "label", "schema"]);
  });

  it("accepts every documented type", () => {
    const schemas = [
      { type: "Text" },
      { type: "Textarea" },
      { type: "Number" },
      { type: "Date" },
      { type: "Boolean" },
      { type: "SingleSelect", selectOptions: ["a", 1, true] },
      { type: "MultiSelect", selectOptions: ["a", 1, true] },
    ];
    schemas.forEach((schema, i) => {
      expect(fx.fields.create({ name: `f${i}`, label: `F${i}`, schema }).schema).toEqual(schema);
    });
  });

  it("normalises OAS's TextArea spelling to Textarea", () => {
    expect(
      fx.fields.create({ name: "bio", label: "Bio", schema: { type: "TextArea" } }).schema.type,
    ).toBe("Textarea");
  });

  it("persists: a new instance on the same database lists the field", () => {
    const field = fx.fields.create(price);
    expect(new CustomMetadataFields(fx.db).list()).toEqual([field]);
  });

  it("rejects a name used before: 400 name exists", () => {
    fx.fields.create(price);
    expectError(() => fx.fields.create({ ...price, label: "Other" }), 400, M.nameExists);
  });

  it("never reuses the name of a deleted field", () => {
    const field = fx.fields.create(price);
    fx.fields.delete(field.id);
    expectError(() => fx.fields.create({ ...price, label: "Other" }), 400, M.nameExists);
  });

  it("rejects a label used by a non-deleted field: 400 label exists", () => {
    fx.fields.create(price);
    expectError(() => fx.fields.create({ ...price, name: "price2" }), 400, M.labelExists);
  });

  it("allows the label of a deleted field", () => {
    const field = fx.fields.create(price);
    fx.fields.delete(field.id);
    expect(fx.fields.create({ ...price, name: "price2" }).label).toBe("Price");
  });

  it("requires name, label and schema", () => {
    expectError(
      () => fx.fields.create({ label: "L", schema: { type: "Text" } }),
      400,
      MESSAGES.missingParameter("name"),
    );
    expectError(
      () => fx.fields.create({ name: "n", schema: { type: "Text" } }),
      400,
      MESSAGES.missingParameter("label"),
    );
    expectError(
      () => fx.fields.create({ name: "n", label: "L" }),
      400,
      MESSAGES.missingParameter("schema"),
    );
    expectError(
      () => fx.fields.create({ name: 5, label: "L", schema: { type: "Text" } }),
      400,
      MESSAGES.invalidParameter("name"),
    );
  });

  it("reports the documented example errors together", () => {
    expectError(
      () =>
        fx.fields.create({
          name: "n",
          label: "L",
          schema: { type: "Number", minValue: "1000", maxLength: 5 },
        }),
      400,
      INVALID,
      { minValue: "should be of type number", maxLength: "not allowed for this type" },
    );
  });

  it("requires a known type", () => {
    expectError(() => fx.fields.create({ name: "n", label: "L", schema: {} }), 400, INVALID, {
      type: "is required",
    });
    expectError(
      () => fx.fields.create({ name: "n", label: "L", schema: { type: "Color" } }),
      400,
      INVALID,
      {
        type: "should be one of Text, Textarea, Number, Date, Boolean, SingleSelect, MultiSelect",
      },
    );
  });

  it("requires schema to be an object", () => {
    expectError(() => fx.fields.create({ name: "n", label: "L", schema: "Text" }), 400, INVALID, {
      schema: "should be of type object",
    });
  });

  it("rejects unknown schema keys", () => {
    expectError(
      () => fx.fields.create({ name: "n", label: "L", schema: { type: "Text", colour: 1 } }),
      400,
      INVALID,
      {
        colour: "not allowed",
      },
    );
  });

  it("requires selectOptions for SingleSelect and MultiSelect", () => {
    for (const type of ["SingleSelect", "MultiSelect"]) {
      expectError(
        () => fx.fields.create({ name: "n", label: "L", schema: { type } }),
        400,
        INVALID,
        {
          selectOptions: "is required for this type",
        },
      );
    }
  });

  it("checks selectOptions: non-empty array of strings, numbers, booleans, no duplicates", () => {
    const make = (selectOptions: unknown) => () =>
      fx.fields.create({ name: "n", label: "L", schema: { type: "SingleSelect", selectOptions } });
    expectError(make([]), 400, INVALID, { selectOptions: "should be a non-empty array" });
    expectError(make("a,b"), 400, INVALID, { selectOptions: "should be a non-empty array" });
    expectError(make(["a", { b: 1 }]), 400, INVALID, {
      selectOptions: "should contain only strings, numbers or booleans",
    });
    expectError(make(["a", "a"]), 400, INVALID, {
      selectOptions: "should not contain duplicate values",
    });
  });

  it("allows selectOptions only for select types", () => {
    expectError(
      () =>
        fx.fields.create({ name: "n", label: "L", schema: { type: "Text", selectOptions: ["a"] } }),
      400,
      INVALID,
      { selectOptions: "not allowed for this type" },
    );
  });

  it("allows minValue/maxValue only for Number and Date", () => {
    expectError(
      () =>
        fx.fields.create({
          name: "n",
          label: "L",
          schema: { type: "Text", minValue: 1, maxValue: 2 },
        }),
      400,
      INVALID,
      { minValue: "not allowed for this type", maxValue: "not allowed for this type" },
    );
  });

  it("requires ISO 8601 minValue/maxValue for Date", () => {
    const schema = { type: "Date", minValue: "2024-01-01", maxValue: "2024-12-31T23:59:59Z" };
    expect(fx.fields.create({ name: "d", label: "D", schema }).schema).toEqual(schema);
    expectError(
      () =>
        fx.fields.create({
          name: "n",
          label: "L",
          schema: { type: "Date", minValue: 5, maxValue: "2024-02-30" },
        }),
      400,
      INVALID,
      { minValue: "should be a valid ISO 8601 date", maxValue: "should be a valid ISO 8601 date" },
    );
  });

  it("rejects maxValue below minValue", () => {
    expectError(
      () =>
        fx.fields.create({
          name: "n",
          label: "L",
          schema: { type: "Number", minValue: 5, maxValue: 1 },
        }),
      400,
      INVALID,
      { maxValue: "should be greater than or equal to minValue" },
    );
    expectError(
      () =>
        fx.fields.create({
          name: "n",
          label: "L",
          schema: { type: "Date", minValue: "2024-02-01", maxValue: "2024-01-01" },
        }),
      400,
      INVALID,
      { maxValue: "should be greater than or equal to minValue" },
    );
  });

  it("allows minLength/maxLength only for Text and Textarea, as non-negative integers", () => {
    expectError(
      () => fx.fields.create({ name: "n", label: "L", schema: { type: "Number", minLength: 1 } }),
      400,
      INVALID,
      { minLength: "not allowed for this type" },
    );
    expectError(
      () =>
        fx.fields.create({
          name: "n",
          label: "L",
          schema: { type: "Text", minLength: "1", maxLength: -1 },
        }),
      400,
      INVALID,
      { minLength: "should be of type number", maxLength: "should be a non-negative integer" },
    );
    expectError(
      () =>
        fx.fields.create({
          name: "n",
          label: "L",
          schema: { type: "Textarea", minLength: 5, maxLength: 2 },
        }),
      400,
      INVALID,
      { maxLength: "should be greater than or equal to minLength" },
    );
  });

  it("requires booleans for isValueRequired and readOnly", () => {
    expectError(
      () =>
        fx.fields.create({
          name: "n",
          label: "L",
          schema: { type: "Text", isValueRequired: "yes", readOnly: 1 },
        }),
      400,
      INVALID,
      { isValueRequired: "should be of type boolean", readOnly: "should be of type boolean" },
    );
  });

  it("requires defaultValue when isValueRequired is true", () => {
    expectError(
      () =>
        fx.fields.create({
          name: "n",
          label: "L",
          schema: { type: "Text", isValueRequired: true },
        }),
      400,
      INVALID,
      { defaultValue: "is required when isValueRequired is true" },
    );
    const schema = { type: "Text", defaultValue: "Nike", isValueRequired: true };
    expect(fx.fields.create({ name: "brand", label: "Brand", schema }).schema).toEqual(schema);
  });

  it("allows defaultValue on a field that is not required", () => {
    const schema = { type: "Text", defaultValue: "Nike" };
    expect(fx.fields.create({ name: "brand", label: "Brand", schema }).schema).toEqual(schema);
  });

  it("checks defaultValue against type, range, length and options", () => {
    const bad = (schema: Record<string, unknown>, reason: string) =>
      expectError(() => fx.fields.create({ name: "n", label: "L", schema }), 400, INVALID, {
        defaultValue: reason,
      });
    bad({ type: "Number", defaultValue: "5" }, "should be of type number");
    bad({ type: "Number", minValue: 10, defaultValue: 5 }, "should be greater than or equal to 10");
    bad({ type: "Number", maxValue: 10, defaultValue: 50 }, "should be less than or equal to 10");
    bad({ type: "Date", defaultValue: "yesterday" }, "should be a valid ISO 8601 date");
    bad(
      { type: "Date", minValue: "2024-01-01", defaultValue: "2023-12-31" },
      "should be on or after 2024-01-01",
    );
    bad({ type: "Text", maxLength: 3, defaultValue: "Nike" }, "should have at most 3 characters");
    bad({ type: "Text", minLength: 5, defaultValue: "Nike" }, "should have at least 5 characters");
    bad({ type: "Boolean", defaultValue: "true" }, "should be of type boolean");
    bad(
      { type: "SingleSelect", selectOptions: ["S", "M"], defaultValue: "L" },
      "should be one of the selectOptions",
    );
    bad(
      { type: "SingleSelect", selectOptions: [30, 40], defaultValue: "30" },
      "should be one of the selectOptions",
    );
    bad(
      { type: "MultiSelect", selectOptions: ["S", "M"], defaultValue: "S" },
      "should be an array of values from selectOptions",
    );
    bad(
      { type: "MultiSelect", selectOptions: ["S", "M"], defaultValue: ["S", "L"] },
      "should contain only values from selectOptions",
    );
  });

  it("accepts an array defaultValue for MultiSelect (SDK test fixture)", () => {
    const schema = {
      type: "MultiSelect",
      selectOptions: ["small", "medium", "large", 30, 40, true],
      defaultValue: ["small", 30, true],
      isValueRequired: true,
    };
    expect(fx.fields.create({ name: "Name", label: "Label", schema }).schema).toEqual(schema);
  });

  it("keeps readOnly", () => {
    expect(
      fx.fields.create({ name: "sku", label: "SKU", schema: { type: "Text", readOnly: true } })
        .schema,
    ).toEqual({
      type: "Text",
      readOnly: true,
    });
  });

  it("answers schema keys in a fixed order whatever the request's order", () => {
    const field = fx.fields.create({
      name: "n",
      label: "L",
      schema: { maxValue: 3, isValueRequired: true, defaultValue: 2, minValue: 1, type: "Number" },
    });
    expect(Object.keys(field.schema)).toEqual([
      "type",
      "defaultValue",
      "isValueRequired",
      "minValue",
      "maxValue",
    ]);
  });
});

describe("list", () => {
  it("returns non-deleted fields oldest first by default", () => {
    const a = fx.fields.create(price);
    const b = fx.fields.create({ name: "brand", label: "Brand", schema: { type: "Text" } });
    const c = fx.fields.create({ name: "size", label: "Size", schema: { type: "Text" } });
    fx.fields.delete(b.id);
    expect(fx.fields.list()).toEqual([a, c]);
    expect(fx.fields.list({ includeDeleted: false })).toEqual([a, c]);
  });

  it("includes deleted fields, unmarked, with includeDeleted", () => {
    const a = fx.fields.create(price);
    const b = fx.fields.create({ name: "brand", label: "Brand", schema: { type: "Text" } });
    fx.fields.delete(a.id);
    expect(fx.fields.list({ includeDeleted: true })).toEqual([a, b]);
  });

  it("is empty on a fresh database", () => {
    expect(fx.fields.list()).toEqual([]);
  });
});

describe("update", () => {
  it("changes the label", () => {
    const field = fx.fields.create(price);
    expect(fx.fields.update(field.id, { label: "Cost" })).toEqual({ ...field, label: "Cost" });
    expect(fx.fields.list()[0]?.label).toBe("Cost");
  });

  it("merges the schema sent into the stored one (documented example)", () => {
    const field = fx.fields.create(price);
    expect(
      fx.fields.update(field.id, { schema: { minValue: 2000, maxValue: 5000 } }).schema,
    ).toEqual({
      type: "Number",
      minValue: 2000,
      maxValue: 5000,
    });
  });

  it("keeps selectOptions when only defaultValue is sent, and null removes a constraint", () => {
    const field = fx.fields.create({
      name: "size",
      label: "Size",
      schema: { type: "SingleSelect", selectOptions: ["S", "M"] },
    });
    expect(
      fx.fields.update(field.id, { schema: { defaultValue: "M", isValueRequired: true } }).schema,
    ).toEqual({
      type: "SingleSelect",
      selectOptions: ["S", "M"],
      defaultValue: "M",
      isValueRequired: true,
    });
    const text = fx.fields.create({
      name: "t",
      label: "T",
      schema: { type: "Text", maxLength: 3 },
    });
    expect(fx.fields.update(text.id, { schema: { maxLength: null } }).schema).toEqual({
      type: "Text",
    });
  });

  it("ignores a type sent in the schema: type is immutable", () => {
    const field = fx.fields.create(price);
    expect(fx.fields.update(field.id, { schema: { type: "Text", minValue: 1 } }).schema).toEqual({
      type: "Number",
      minValue: 1,
      maxValue: 3000,
    });
  });

  it("validates the result as per the stored type", () => {
    const field = fx.fields.create(price);
    expectError(
      () => fx.fields.update(field.id, { schema: { maxLength: 3, minValue: "x" } }),
      400,
      INVALID,
      {
        maxLength: "not allowed for this type",
        minValue: "should be of type number",
      },
    );
    expectError(
      () => fx.fields.update(field.id, { schema: { isValueRequired: true } }),
      400,
      INVALID,
      {
        defaultValue: "is required when isValueRequired is true",
      },
    );
    expectError(() => fx.fields.update(field.id, { schema: "x" }), 400, INVALID, {
      schema: "should be of type object",
    });
  });

  it("rejects a label used by another non-deleted field", () => {
    fx.fields.create(price);
    const brand = fx.fields.create({ name: "brand", label: "Brand", schema: { type: "Text" } });
    expectError(() => fx.fields.update(brand.id, { label: "Price" }), 400, M.labelExists);
  });

  it("allows keeping its own label", () => {
    const field = fx.fields.create(price);
    expect(fx.fields.update(field.id, { label: "Price", schema: { minValue: 1 } }).label).toBe(
      "Price",
    );
  });

  it("refuses to update a deleted field", () => {
    const field = fx.fields.create(price);
    fx.fields.delete(field.id);
    expectError(() => fx.fields.update(field.id, { label: "Cost" }), 400, M.updateDeleted);
  });

  it("answers 404 for an unknown id", () => {
    expectError(
      () => fx.fields.update("000000000000000000000000", { label: "x" }),
      404,
      M.notFound,
    );
  });

  it("needs label or schema", () => {
    const field = fx.fields.create(price);
    expectError(
      () => fx.fields.update(field.id, {}),
      400,
      MESSAGES.missingParameter("label or schema"),
    );
  });

  it("does not change anything when the update is refused", () => {
    const field = fx.fields.create(price);
    expectError(
      () => fx.fields.update(field.id, { label: "Cost", schema: { minValue: "x" } }),
      400,
      INVALID,
    );
    expect(fx.fields.list()).toEqual([field]);
  });
});

describe("delete", () => {
  it("soft-deletes: gone from the list, kept with includeDeleted", () => {
    const field = fx.fields.create(price);
    fx.fields.delete(field.id);
    expect(fx.fields.list()).toEqual([]);
    expect(fx.fields.get(field.id)).toBeUndefined();
    expect(fx.fields.list({ includeDeleted: true })).toEqual([field]);
  });

  it("answers 404 for an unknown id", () => {
    expectError(() => fx.fields.delete("nope"), 404, M.notFound);
  });

  it("answers 404 for a field already deleted", () => {
    const field = fx.fields.create(price);
    fx.fields.delete(field.id);
    expectError(() => fx.fields.delete(field.id), 404, M.notFound);
  });
});

describe("description", () => {
  it("is stored, answered when set, cleared by an empty string", () => {
    const wd = openFixture();
    try {
      const field = wd.fields.create({ ...price, description: "What it costs" });
      expect(field.description).toBe("What it costs");
      expect(wd.fields.update(field.id, { label: "Cost" }).description).toBe("What it costs");
      expect(wd.fields.update(field.id, { label: "Cost", description: "" })).not.toHaveProperty(
        "description",
      );
      expectError(
        () =>
          wd.fields.create({
            name: "x",
            label: "X",
            schema: { type: "Text" },
            description: "d".repeat(501),
          }),
        400,
        MESSAGES.invalidParameter("description"),
      );
    } finally {
      wd.close();
    }
  });
});

describe("selectedFieldsSchema", () => {
  it("maps non-deleted field names to schemas, truncating selectOptions beyond 100", () => {
    const many = Array.from({ length: 150 }, (_, i) => `o${i}`);
    fx.fields.create({
      name: "tag",
      label: "Tag",
      schema: { type: "MultiSelect", selectOptions: many },
    });
    fx.fields.create({
      name: "size",
      label: "Size",
      schema: { type: "SingleSelect", selectOptions: ["S"] },
    });
    const gone = fx.fields.create(price);
    fx.fields.delete(gone.id);
    const shown = fx.fields.selectedFieldsSchema();
    expect(Object.keys(shown)).toEqual(["tag", "size"]);
    expect(shown.tag?.selectOptions).toHaveLength(100);
    expect(shown.tag?.selectOptionsTruncated).toBe(true);
    expect(shown.size).toEqual({
      type: "SingleSelect",
      selectOptions: ["S"],
      selectOptionsTruncated: false,
    });
    // The API answers keep every option.
    expect(fx.fields.list()[0]?.schema.selectOptions).toHaveLength(150);
  });
});

describe("schemasOf", () => {
  it("limits selectedFieldsSchema to the named, non-deleted fields", () => {
    fx.fields.create({ name: "brand", label: "Brand", schema: { type: "Text" } });
    fx.fields.create(price);
    const gone = fx.fields.create({ name: "old", label: "Old", schema: { type: "Boolean" } });
    fx.fields.delete(gone.id);
    expect(fx.fields.schemasOf(["price", "old", "nope"])).toEqual({ price: price.schema });
    expect(fx.fields.schemasOf([])).toEqual({});
  });
});
