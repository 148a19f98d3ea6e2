/**
 * The client's custom metadata fields API against the emulator: list, create, update, delete,
 * ImageKit's errors as `UploadError`s, and the client's retries, including the retry whose
 * earlier attempt had already done the work.
 */
import { inspect } from "node:util";
import type { CustomMetadataField } from "@upkit/core";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { createImageKitClient } from "../../src/imagekit/create-imagekit-client";
import {
  countingFetch,
  expectUploadError,
  PRIVATE_KEY,
  provoked,
  startEmulator,
  type TestEmulator,
} from "./support";

/** Fast retries: what is retried matters here, not how long it waits. */
const fast = { baseDelayMs: 5, maxDelayMs: 50 };

let emulator: TestEmulator;
let count = 0;
/** A name no other test uses (names are never reusable, not even after a delete). */
const newName = (prefix = "field") => `${prefix}${++count}`;

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: { limit: 100_000, intervalMs: 200 } });
});
afterAll(() => emulator.dispose());

/**
 * The real fetch, except that the first request matching `method` reaches the emulator and then
 * fails as if its answer were lost on the way back (a reset after ImageKit did the work).
 */
function losingFirstAnswer(method: string) {
  const counting = countingFetch();
  let lost = false;
  const wrapped: typeof fetch = async (input, init) => {
    const response = await counting.fetch(input, init);
    if (!lost && (init?.method ?? "GET") === method) {
      lost = true;
      await response.arrayBuffer();
      throw new TypeError("fetch failed", { cause: new Error("read ECONNRESET") });
    }
    return response;
  };
  return { fetch: wrapped, attempts: counting.attempts };
}

describe("the custom metadata fields API", () => {
  it("creates, lists, updates and deletes a field", async () => {
    const client = createImageKitClient(emulator.config);
    const name = newName("price");
    const created = await client.createCustomMetadataField({
      name,
      label: `Price ${name}`,
      schema: { type: "Number", minValue: 1, maxValue: 1000 },
      description: "In euros",
    });
    expect(created).toEqual({
      id: expect.any(String),
      name,
      label: `Price ${name}`,
      schema: { type: "Number", minValue: 1, maxValue: 1000 },
      description: "In euros",
    });
    expectTypeOf(created).toEqualTypeOf<CustomMetadataField>();
    expect(await client.listCustomMetadataFields()).toContainEqual(created);

    const updated = await client.updateCustomMetadataField(created.id, {
      label: `Cost ${name}`,
      schema: { maxValue: 500 },
    });
    expect(updated).toMatchObject({
      id: created.id,
      label: `Cost ${name}`,
      schema: { type: "Number", minValue: 1, maxValue: 500 },
    });

    await client.deleteCustomMetadataField(created.id);
    const live = await client.listCustomMetadataFields();
    expect(live.map((field) => field.id)).not.toContain(created.id);
    const all = await client.listCustomMetadataFields({ includeDeleted: true });
    expect(all.map((field) => field.id)).toContain(created.id);
  });

  it("every type, `TextArea` answered as `Textarea`, select options and defaults", async () => {
    const client = createImageKitClient(emulator.config);
    const size = await client.createCustomMetadataField({
      name: newName("size"),
      label: newName("Size"),
      schema: {
        type: "SingleSelect",
        selectOptions: ["S", "M", "L"],
        isValueRequired: true,
        defaultValue: "M",
      },
    });
    expect(size.schema).toEqual({
      type: "SingleSelect",
      selectOptions: ["S", "M", "L"],
      isValueRequired: true,
      defaultValue: "M",
    });
    const notes = await client.createCustomMetadataField({
      name: newName("notes"),
      label: newName("Notes"),
      schema: { type: "TextArea" as "Textarea", maxLength: 200 },
    });
    expect(notes.schema.type).toBe("Textarea");
  });

  it("ImageKit's refusals are UploadErrors with its message, not retried", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, { ...fast, fetch: counting.fetch });
    const name = newName("taken");
    await client.createCustomMetadataField({ name, label: name, schema: { type: "Text" } });
    const before = counting.attempts.length;
    const taken = await expectUploadError(
      client.createCustomMetadataField({ name, label: `${name}-2`, schema: { type: "Text" } }),
      "bad-request",
    );
    expect(taken.message).toBe("A custom metadata field with this name already exists.");
    expect(taken.data).toMatchObject({ status: 400 });
    expect(counting.attempts.length - before).toBe(1);

    const invalid = await expectUploadError(
      client.createCustomMetadataField({
        name: newName("bad"),
        label: newName("Bad"),
        schema: { type: "Text", minValue: 3 },
      }),
      "bad-request",
    );
    expect(invalid.message).toBe("Invalid field object");

    const missing = await expectUploadError(
      client.updateCustomMetadataField("ffffffffffffffffffffffff", { label: "x" }),
      "not-found",
    );
    expect(missing.message).toBe("No such custom metadata field exists.");
    await expectUploadError(
      client.deleteCustomMetadataField("ffffffffffffffffffffffff"),
      "not-found",
    );
    await expectUploadError(client.deleteCustomMetadataField(""), "bad-request");
  });
});

describe("retries", () => {
  it("a 503 on each call is retried, and the field is created once", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, { ...fast, fetch: counting.fetch });
    const name = newName("retried");
    const fault = (method: string) =>
      emulator.fault({
        method,
        path: "/v1/customMetadataFields",
        times: 1,
        fault: { status: 503 },
      });

    await fault("POST");
    const created = await client.createCustomMetadataField({
      name,
      label: name,
      schema: { type: "Boolean" },
    });
    await fault("GET");
    const listed = await client.listCustomMetadataFields();
    expect(listed.filter((field) => field.name === name)).toEqual([created]);
    await fault("PATCH");
    await client.updateCustomMetadataField(created.id, { label: `${name}!` });
    await fault("DELETE");
    await client.deleteCustomMetadataField(created.id);
    expect(counting.attempts.map((attempt) => [attempt.method, attempt.status])).toEqual([
      ["POST", 503],
      ["POST", 201],
      ["GET", 503],
      ["GET", 200],
      ["PATCH", 503],
      ["PATCH", 200],
      ["DELETE", 503],
      ["DELETE", 204],
    ]);
  });

  it("a 429 is retried after the wait ImageKit asks for", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, {
      baseDelayMs: 5,
      maxDelayMs: 5000,
      fetch: counting.fetch,
    });
    await emulator.fault({ path: "/v1/customMetadataFields", times: 1, fault: { status: 429 } });
    await client.listCustomMetadataFields();
    const [limited, retry] = counting.attempts;
    expect(limited?.status).toBe(429);
    expect(retry?.status).toBe(200);
    // The emulator's 429 says X-RateLimit-Reset: 200 (ms), the interval configured above.
    expect((retry?.startedAt ?? 0) - (limited?.endedAt ?? 0)).toBeGreaterThanOrEqual(195);
  });

  it("create: the answer of the attempt that created the field is lost; the retry's 'name already exists' is that field", async () => {
    const losing = losingFirstAnswer("POST");
    const client = createImageKitClient(emulator.config, { ...fast, fetch: losing.fetch });
    const name = newName("lost");
    const field = await client.createCustomMetadataField({
      name,
      label: name,
      schema: { type: "Text", maxLength: 10 },
    });
    expect(field).toMatchObject({ name, label: name, schema: { type: "Text", maxLength: 10 } });
    expect(losing.attempts.map((attempt) => [attempt.method, attempt.status])).toEqual([
      ["POST", 201],
      ["POST", 400],
      ["GET", 200],
    ]);
    const named = (await client.listCustomMetadataFields()).filter((f) => f.name === name);
    expect(named).toEqual([field]);
  });

  it("create: a name taken by another field (another label) is still refused after a retry", async () => {
    const name = newName("other");
    await createImageKitClient(emulator.config).createCustomMetadataField({
      name,
      label: `${name} (first)`,
      schema: { type: "Text" },
    });
    const client = createImageKitClient(emulator.config, {
      ...fast,
      fetch: losingFirstAnswer("POST").fetch,
    });
    const error = await expectUploadError(
      client.createCustomMetadataField({
        name,
        label: `${name} (second)`,
        schema: { type: "Text" },
      }),
      "bad-request",
    );
    expect(error.message).toBe("A custom metadata field with this name already exists.");
  });

  it("delete: the answer of the attempt that deleted the field is lost; the retry's 404 resolves", async () => {
    const name = newName("gone");
    const field = await createImageKitClient(emulator.config).createCustomMetadataField({
      name,
      label: name,
      schema: { type: "Date" },
    });
    const losing = losingFirstAnswer("DELETE");
    const client = createImageKitClient(emulator.config, { ...fast, fetch: losing.fetch });
    await client.deleteCustomMetadataField(field.id);
    expect(losing.attempts.map((attempt) => [attempt.method, attempt.status])).toEqual([
      ["DELETE", 204],
      ["DELETE", 404],
      ["GET", 200],
    ]);
    expect((await client.listCustomMetadataFields()).map((f) => f.id)).not.toContain(field.id);
  });

  it("maxRetries: 0 leaves a lost answer a failure", async () => {
    const client = createImageKitClient(emulator.config, {
      maxRetries: 0,
      fetch: losingFirstAnswer("POST").fetch,
    });
    const name = newName("once");
    await expectUploadError(
      client.createCustomMetadataField({ name, label: name, schema: { type: "Text" } }),
      "upstream-error",
    );
  });
});

it("no error carries the private key", () => {
  expect(provoked.length).toBeGreaterThanOrEqual(7);
  for (const error of provoked) {
    expect(inspect(error, { depth: 10 })).not.toContain(PRIVATE_KEY);
    expect(JSON.stringify(error)).not.toContain(PRIVATE_KEY);
  }
});
