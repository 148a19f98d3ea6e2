import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MESSAGES } from "../../src/http/imagekit-error";
import { newId } from "../../src/ids";
import { expectError, type Fixture, openFixture } from "./helpers";

const INVALID = MESSAGES.invalidCustomMetadata;

let fx: Fixture;
beforeEach(() => {
  fx = openFixture();
  fx.fields.create({
    name: "brand",
    label: "Brand",
    schema: { type: "Text", minLength: 2, maxLength: 10 },
  });
  fx.fields.create({ name: "notes", label: "Notes", schema: { type: "Textarea" } });
  fx.fields.create({
    name: "price",
    label: "Price",
    schema: { type: "Number", minValue: 10, maxValue: 100 },
  });
  fx.fields.create({
    name: "launch",
    label: "Launch",
    schema: { type: "Date", minValue: "2024-01-01", maxValue: "2024-12-31" },
  });
  fx.fields.create({ name: "sale", label: "Sale", schema: { type: "Boolean" } });
  fx.fields.create({
    name: "size",
    label: "Size",
    schema: { type: "SingleSelect", selectOptions: ["S", "M", 40, true] },
  });
  fx.fields.create({
    name: "colors",
    label: "Colors",
    schema: { type: "MultiSelect", selectOptions: ["red", "blue", 1] },
  });
});
afterEach(() => fx.close());

const bad = (values: unknown, errors: Record<string, string>, current?: Record<string, unknown>) =>
  expectError(() => fx.fields.validateValues(values, current), 400, INVALID, errors);

describe("validateValues", () => {
  it("returns valid values of every type unchanged", () => {
    const values = {
      brand: "Nike",
      notes: "long text",
      price: 50,
      launch: "2024-06-01T10:00:00Z",
      sale: false,
      size: 40,
      colors: ["red", 1],
    };
    expect(fx.fields.validateValues(values)).toEqual(values);
  });

  it("treats undefined as no values and returns {}", () => {
    expect(fx.fields.validateValues(undefined)).toEqual({});
    expect(fx.fields.validateValues({})).toEqual({});
  });

  it("rejects a value that is not a plain object", () => {
    for (const values of [null, "brand=Nike", ["Nike"], 5]) {
      bad(values, { customMetadata: "should be an object of field names to values" });
    }
  });

  it("rejects a key with no field", () => {
    bad({ color: "red" }, { color: "no custom metadata field with this name exists" });
  });

  it("rejects a key whose field was deleted", () => {
    const field = fx.fields.create({ name: "old", label: "Old", schema: { type: "Text" } });
    fx.fields.delete(field.id);
    bad({ old: "x" }, { old: "no custom metadata field with this name exists" });
  });

  it("rejects wrong types", () => {
    bad(
      { brand: 5, notes: true, price: "50", launch: 20240601, sale: "true", colors: "red" },
      {
        brand: "should be of type string",
        notes: "should be of type string",
        price: "should be of type number",
        launch: "should be a valid ISO 8601 date",
        sale: "should be of type boolean",
        colors: "should be an array of values from selectOptions",
      },
    );
  });

  it("rejects numbers out of range", () => {
    bad({ price: 5 }, { price: "should be greater than or equal to 10" });
    bad({ price: 101 }, { price: "should be less than or equal to 100" });
    expect(fx.fields.validateValues({ price: 10 })).toEqual({ price: 10 });
    expect(fx.fields.validateValues({ price: 100 })).toEqual({ price: 100 });
  });

  it("rejects dates out of range and invalid dates", () => {
    bad({ launch: "2023-12-31" }, { launch: "should be on or after 2024-01-01" });
    bad({ launch: "2025-01-01T00:00:00Z" }, { launch: "should be on or before 2024-12-31" });
    bad({ launch: "2024-02-30" }, { launch: "should be a valid ISO 8601 date" });
    bad({ launch: "June 1, 2024" }, { launch: "should be a valid ISO 8601 date" });
    expect(fx.fields.validateValues({ launch: "2024-03-01T12:30:00+05:30" })).toEqual({
      launch: "2024-03-01T12:30:00+05:30",
    });
  });

  it("rejects text outside minLength/maxLength", () => {
    bad({ brand: "N" }, { brand: "should have at least 2 characters" });
    bad({ brand: "Nike Nike Nike" }, { brand: "should have at most 10 characters" });
  });

  it("rejects values not in selectOptions (type-sensitive)", () => {
    bad({ size: "L" }, { size: "should be one of the selectOptions" });
    bad({ size: "40" }, { size: "should be one of the selectOptions" });
    bad({ colors: ["red", "green"] }, { colors: "should contain only values from selectOptions" });
  });

  it("reports all bad keys at once", () => {
    bad(
      { brand: "N", price: 1, unknown: 1, sale: true },
      {
        brand: "should have at least 2 characters",
        price: "should be greater than or equal to 10",
        unknown: "no custom metadata field with this name exists",
      },
    );
  });

  it("applies the default of a required field the request left out", () => {
    fx.fields.create({
      name: "region",
      label: "Region",
      schema: {
        type: "MultiSelect",
        selectOptions: ["eu", "us"],
        defaultValue: ["eu"],
        isValueRequired: true,
      },
    });
    expect(fx.fields.validateValues({ brand: "Nike" })).toEqual({ brand: "Nike", region: ["eu"] });
    expect(fx.fields.validateValues({ region: ["us"] })).toEqual({ region: ["us"] });
    expect(fx.fields.validateValues(undefined)).toEqual({ region: ["eu"] });
  });

  it("does not apply the default of a field that is not required", () => {
    fx.fields.create({
      name: "maker",
      label: "Maker",
      schema: { type: "Text", defaultValue: "ACME" },
    });
    expect(fx.fields.validateValues({})).toEqual({});
  });

  it("rejects a required field with no value and no default", () => {
    // Not creatable through the API (defaultValue is required); e.g. a hand-edited database.
    fx.db
      .prepare(
        "INSERT INTO custom_metadata_fields (id, name, label, schema, deleted, created_at) VALUES (?, ?, ?, ?, 0, ?)",
      )
      .run(
        newId(),
        "sku",
        "SKU",
        JSON.stringify({ type: "Text", isValueRequired: true }),
        new Date().toISOString(),
      );
    bad({ brand: "Nike" }, { sku: "is required" });
    expect(fx.fields.validateValues({ sku: "A1" })).toEqual({ sku: "A1" });
  });

  it("merges into current values; null unsets a key", () => {
    const current = { brand: "Nike", price: 20 };
    expect(fx.fields.validateValues({ price: 30, sale: true }, current)).toEqual({
      brand: "Nike",
      price: 30,
      sale: true,
    });
    expect(fx.fields.validateValues({ brand: null }, current)).toEqual({ price: 20 });
    expect(current).toEqual({ brand: "Nike", price: 20 });
  });

  it("drops current values of fields that no longer exist", () => {
    expect(fx.fields.validateValues({}, { gone: 1, brand: "Nike" })).toEqual({ brand: "Nike" });
  });

  it("keeps a required field's current value instead of the default", () => {
    fx.fields.create({
      name: "region",
      label: "Region",
      schema: {
        type: "SingleSelect",
        selectOptions: ["eu", "us"],
        defaultValue: "eu",
        isValueRequired: true,
      },
    });
    expect(fx.fields.validateValues({}, { region: "us" })).toEqual({ region: "us" });
    expect(fx.fields.validateValues({ region: null }, { region: "us" })).toEqual({ region: "eu" });
  });

  it("refuses to change a readOnly field once set, allows setting it first", () => {
    fx.fields.create({ name: "sku", label: "SKU", schema: { type: "Text", readOnly: true } });
    expect(fx.fields.validateValues({ sku: "A1" })).toEqual({ sku: "A1" });
    expect(fx.fields.validateValues({ sku: "A1" }, { sku: "A1" })).toEqual({ sku: "A1" });
    bad({ sku: "B2" }, { sku: "is read only and cannot be changed once set" }, { sku: "A1" });
    bad({ sku: null }, { sku: "is read only and cannot be changed once set" }, { sku: "A1" });
  });

  it("returns copies: changing the result does not change a stored default", () => {
    fx.fields.create({
      name: "region",
      label: "Region",
      schema: {
        type: "MultiSelect",
        selectOptions: ["eu", "us"],
        defaultValue: ["eu"],
        isValueRequired: true,
      },
    });
    (fx.fields.validateValues({}).region as string[]).push("us");
    expect(fx.fields.validateValues({}).region).toEqual(["eu"]);
  });
});
