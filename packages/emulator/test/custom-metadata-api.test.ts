import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ImageKit from "@imagekit/nodejs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../src/create-emulator";

const PRIVATE_KEY = "private_emulator_key";
const HELP = "For support kindly contact us at support@imagekit.io .";

let emulator: Emulator;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "cmf-api-"));
  emulator = await createEmulator({ port: 0, dataDir, privateKey: PRIVATE_KEY });
});
afterAll(async () => {
  await emulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;

async function call(
  method: string,
  path: string,
  body?: unknown,
  key: string | null = PRIVATE_KEY,
) {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = basic(key);
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

describe("custom metadata fields API over HTTP (fetch + Basic auth)", () => {
  it("creates (201), lists, updates and deletes (204, empty body)", async () => {
    const created = await call("POST", "/v1/customMetadataFields", {
      name: "http-price",
      label: "HTTP price",
      schema: { type: "Number", minValue: 1000, maxValue: 3000 },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("content-type")).toMatch(/^application\/json/);
    const field = created.json as { id: string };
    expect(field).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: "http-price",
      label: "HTTP price",
      schema: { type: "Number", minValue: 1000, maxValue: 3000 },
    });

    const listed = await call("GET", "/v1/customMetadataFields");
    expect(listed.status).toBe(200);
    expect(listed.json).toContainEqual(field);

    const updated = await call("PATCH", `/v1/customMetadataFields/${field.id}`, {
      schema: { minValue: 2000, maxValue: 5000 },
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toEqual({
      ...field,
      schema: { type: "Number", minValue: 2000, maxValue: 5000 },
    });

    const deleted = await call("DELETE", `/v1/customMetadataFields/${field.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");

    expect((await call("GET", "/v1/customMetadataFields")).json).not.toContainEqual(
      expect.objectContaining({ id: field.id }),
    );
    expect((await call("GET", "/v1/customMetadataFields?includeDeleted=true")).json).toContainEqual(
      expect.objectContaining({ id: field.id, name: "http-price" }),
    );
    expect(
      (await call("GET", "/v1/customMetadataFields?includeDeleted=false")).json,
    ).not.toContainEqual(expect.objectContaining({ id: field.id }));
  });

  it("answers errors as { message, help, errors }", async () => {
    const res = await call("POST", "/v1/customMetadataFields", {
      name: "http-bad",
      label: "HTTP bad",
      schema: { type: "Number", minValue: "1000", maxLength: 5 },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      message: "Invalid field object",
      help: HELP,
      errors: { minValue: "should be of type number", maxLength: "not allowed for this type" },
    });
  });

  it("answers 400 for a duplicate name, even of a deleted field", async () => {
    const first = await call("POST", "/v1/customMetadataFields", {
      name: "http-dup",
      label: "Dup",
      schema: { type: "Text" },
    });
    await call("DELETE", `/v1/customMetadataFields/${(first.json as { id: string }).id}`);
    const res = await call("POST", "/v1/customMetadataFields", {
      name: "http-dup",
      label: "Dup 2",
      schema: { type: "Text" },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      message: "A custom metadata field with this name already exists.",
      help: HELP,
    });
  });

  it("answers 400 when updating a deleted field, 404 for an unknown one", async () => {
    const created = await call("POST", "/v1/customMetadataFields", {
      name: "http-del",
      label: "Del",
      schema: { type: "Text" },
    });
    const id = (created.json as { id: string }).id;
    await call("DELETE", `/v1/customMetadataFields/${id}`);
    const patched = await call("PATCH", `/v1/customMetadataFields/${id}`, { label: "Again" });
    expect(patched.status).toBe(400);
    expect((patched.json as { message: string }).message).toBe(
      "Cannot update a deleted custom metadata fields.",
    );
    for (const [method, body] of [
      ["PATCH", { label: "x" }],
      ["DELETE", undefined],
    ] as const) {
      const res = await call(method, "/v1/customMetadataFields/ffffffffffffffffffffffff", body);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ message: "No such custom metadata field exists.", help: HELP });
    }
  });

  it("rejects an invalid includeDeleted value", async () => {
    const res = await call("GET", "/v1/customMetadataFields?includeDeleted=maybe");
    expect(res.status).toBe(400);
    expect((res.json as { message: string }).message).toBe(
      "Your request contains invalid includeDeleted parameter.",
    );
  });

  it("requires the private key: 401 without, 403 with a wrong one", async () => {
    for (const [method, path] of [
      ["GET", "/v1/customMetadataFields"],
      ["POST", "/v1/customMetadataFields"],
      ["PATCH", "/v1/customMetadataFields/abc"],
      ["DELETE", "/v1/customMetadataFields/abc"],
    ] as const) {
      const none = await call(
        method,
        path,
        method === "POST" || method === "PATCH" ? {} : undefined,
        null,
      );
      expect(none.status).toBe(401);
      expect((none.json as { message: string }).message).toBe(
        "Your request does not contain private API key.",
      );
      const wrong = await call(method, path, undefined, "private_wrong");
      expect(wrong.status).toBe(403);
      expect((wrong.json as { message: string }).message).toBe(
        "Your account cannot be authenticated.",
      );
    }
  });
});

describe("custom metadata fields API with the official SDK (@imagekit/nodejs)", () => {
  const client = () =>
    new ImageKit({ privateKey: PRIVATE_KEY, baseURL: emulator.url, maxRetries: 0 });

  it("create, list, update, delete work unchanged", async () => {
    const sdk = client();
    const field = await sdk.customMetadataFields.create({
      name: "sdk-size",
      label: "SDK size",
      schema: {
        type: "MultiSelect",
        selectOptions: ["small", "medium", "large", 30, 40, true],
        defaultValue: ["small", 30, true],
        isValueRequired: true,
      },
    });
    expect(field.id).toMatch(/^[0-9a-f]{24}$/);
    expect(field.schema.defaultValue).toEqual(["small", 30, true]);

    expect(await sdk.customMetadataFields.list()).toContainEqual(field);

    const updated = await sdk.customMetadataFields.update(field.id, {
      label: "SDK sizes",
      schema: { defaultValue: ["large"] },
    });
    expect(updated).toEqual({
      ...field,
      label: "SDK sizes",
      schema: { ...field.schema, defaultValue: ["large"] },
    });

    const result = await sdk.customMetadataFields.delete(field.id);
    expect(result).toBeNull();
    expect(await sdk.customMetadataFields.list()).not.toContainEqual(
      expect.objectContaining({ id: field.id }),
    );
    expect(await sdk.customMetadataFields.list({ includeDeleted: true })).toContainEqual(
      expect.objectContaining({ id: field.id }),
    );
  });

  it("surfaces errors as the SDK's typed errors", async () => {
    const sdk = client();
    await sdk.customMetadataFields.create({
      name: "sdk-brand",
      label: "SDK brand",
      schema: { type: "Text" },
    });
    const duplicate = await sdk.customMetadataFields
      .create({ name: "sdk-brand", label: "Other", schema: { type: "Text" } })
      .catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(ImageKit.BadRequestError);
    expect((duplicate as InstanceType<typeof ImageKit.BadRequestError>).error).toEqual({
      message: "A custom metadata field with this name already exists.",
      help: HELP,
    });

    const missing = await sdk.customMetadataFields
      .delete("ffffffffffffffffffffffff")
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ImageKit.NotFoundError);

    const wrongKey = new ImageKit({
      privateKey: "private_wrong",
      baseURL: emulator.url,
      maxRetries: 0,
    });
    expect(await wrongKey.customMetadataFields.list().catch((e: unknown) => e)).toBeInstanceOf(
      ImageKit.PermissionDeniedError,
    );
  });
});

describe("customMetadata values on upload (wiring of validateValues)", () => {
  it("rejects bad values with Invalid custom metadata. and applies required defaults", async () => {
    const sdk = new ImageKit({ privateKey: PRIVATE_KEY, baseURL: emulator.url, maxRetries: 0 });
    await sdk.customMetadataFields.create({
      name: "up-price",
      label: "Upload price",
      schema: { type: "Number", minValue: 1, maxValue: 10 },
    });
    await sdk.customMetadataFields.create({
      name: "up-region",
      label: "Upload region",
      schema: {
        type: "SingleSelect",
        selectOptions: ["eu", "us"],
        defaultValue: "eu",
        isValueRequired: true,
      },
    });
    const file = new File([Buffer.from("hello")], "note.txt", { type: "text/plain" });

    const rejected = await sdk.files
      .upload({ file, fileName: "note.txt", customMetadata: { "up-price": 50, "no-such": 1 } })
      .catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(ImageKit.BadRequestError);
    expect((rejected as InstanceType<typeof ImageKit.BadRequestError>).error).toEqual({
      message: "Invalid custom metadata.",
      help: HELP,
      errors: {
        "up-price": "should be less than or equal to 10",
        "no-such": "no custom metadata field with this name exists",
      },
    });

    const uploaded = await sdk.files.upload({
      file,
      fileName: "note.txt",
      customMetadata: { "up-price": 5 },
      responseFields: ["customMetadata"],
    });
    expect(uploaded.customMetadata).toEqual({ "up-price": 5, "up-region": "eu" });
  });
});
