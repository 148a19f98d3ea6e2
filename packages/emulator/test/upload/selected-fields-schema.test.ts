/**
 * `responseFields: selectedFieldsSchema` over HTTP: "schema definitions for the custom metadata
 * fields selected for the specified file path", keyed by field name (`@imagekit/nodejs` 7.11
 * `FileUploadResponse.selectedFieldsSchema`). The emulator has no path policy, so every live
 * field is selected for every path.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blob, png } from "../support/images";
import { api, startEmulator, type TestEmulator, upload } from "../support/start-emulator";

let emulator: TestEmulator;
const manyOptions = Array.from({ length: 120 }, (_, i) => `option-${i}`);

beforeAll(async () => {
  emulator = await startEmulator();
  const fields = [
    { name: "brand", label: "Brand", schema: { type: "Text", maxLength: 20 } },
    {
      name: "price",
      label: "Price",
      schema: {
        type: "Number",
        minValue: 1,
        maxValue: 1000,
        isValueRequired: true,
        defaultValue: 10,
      },
    },
    {
      name: "size",
      label: "Size",
      schema: { type: "SingleSelect", selectOptions: ["S", "M", "L"] },
    },
    { name: "many", label: "Many", schema: { type: "MultiSelect", selectOptions: manyOptions } },
    { name: "gone", label: "Gone", schema: { type: "Boolean" } },
  ];
  const ids: Record<string, string> = {};
  for (const field of fields) {
    const res = await api(emulator, "/v1/customMetadataFields", {
      method: "POST",
      body: JSON.stringify(field),
    });
    expect(res.status).toBe(201);
    ids[field.name] = res.body.id;
  }
  expect(
    (await api(emulator, `/v1/customMetadataFields/${ids.gone}`, { method: "DELETE" })).status,
  ).toBe(204);
});
afterAll(() => emulator?.dispose());

describe("selectedFieldsSchema", () => {
  it("every live field's schema, whether the file has a value for it or not; select options cut to 100", async () => {
    const res = await upload(emulator, {
      file: blob(await png(4, 4)),
      fileName: "schema.png",
      customMetadata: JSON.stringify({ brand: "Acme" }),
      responseFields: "customMetadata,selectedFieldsSchema",
    });
    expect(res.status).toBe(200);
    expect(res.body.customMetadata).toEqual({ brand: "Acme", price: 10 });
    expect(res.body.selectedFieldsSchema).toEqual({
      brand: { type: "Text", maxLength: 20 },
      price: {
        type: "Number",
        minValue: 1,
        maxValue: 1000,
        isValueRequired: true,
        defaultValue: 10,
      },
      size: { type: "SingleSelect", selectOptions: ["S", "M", "L"], selectOptionsTruncated: false },
      many: {
        type: "MultiSelect",
        selectOptions: manyOptions.slice(0, 100),
        selectOptionsTruncated: true,
      },
    });
  });

  it("only when asked for", async () => {
    const res = await upload(emulator, {
      file: blob(await png(4, 4)),
      fileName: "plain.png",
      responseFields: "tags",
    });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty("selectedFieldsSchema");
    expect(res.body.tags).toBeNull();
  });

  it("is {} when no field is defined", async () => {
    const bare = await startEmulator();
    try {
      const res = await upload(bare, {
        file: blob(await png(4, 4)),
        fileName: "bare.png",
        responseFields: "selectedFieldsSchema",
      });
      expect(res.body.selectedFieldsSchema).toEqual({});
    } finally {
      await bare.dispose();
    }
  });
});
