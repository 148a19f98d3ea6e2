import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmulator, type Emulator } from "@upkit/emulator";
import { createImageKitClient, readImageKitConfig } from "@upkit/server";
import { afterEach, beforeEach, expect, it } from "vitest";
import { ensureCustomMetadataFields } from "../lib/ensure-custom-metadata-fields";
import { GALLERY_METADATA_FIELDS } from "../lib/gallery-metadata-fields";

let emulator: Emulator;
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "demo-metadata-"));
  emulator = await createEmulator({ port: 0, dataDir });
});

afterEach(async () => {
  await emulator.close();
  await rm(dataDir, { recursive: true, force: true });
});

// The emulator's own keys: no key is written in the test.
const config = (privateKey = emulator.privateKey) =>
  readImageKitConfig({
    privateKey,
    publicKey: emulator.publicKey,
    urlEndpoint: emulator.urlEndpoint,
    apiEndpoint: emulator.url,
  });

interface Field {
  id: string;
  name: string;
  schema: { type: string };
}

/** ImageKit's custom metadata fields API, as an administrator would call it. */
async function fieldsApi<T = Field[]>(method = "GET", path = "", body?: unknown): Promise<T> {
  const response = await fetch(`${emulator.url}/v1/customMetadataFields${path}`, {
    method,
    headers: {
      authorization: `Basic ${btoa(`${emulator.privateKey}:`)}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (response.status === 204 ? undefined : await response.json()) as T;
}

it("creates the missing fields once, however often it runs", async () => {
  await ensureCustomMetadataFields(config(), GALLERY_METADATA_FIELDS);
  await ensureCustomMetadataFields(config(), GALLERY_METADATA_FIELDS);
  await Promise.all([
    ensureCustomMetadataFields(config(), GALLERY_METADATA_FIELDS),
    ensureCustomMetadataFields(config(), GALLERY_METADATA_FIELDS),
  ]);
  expect((await fieldsApi()).map(({ name, schema }) => [name, schema.type])).toEqual([
    ["caption", "Text"],
    ["rating", "Number"],
  ]);
});

it("keeps a field that already exists and creates the others", async () => {
  await fieldsApi("POST", "", { name: "caption", label: "Caption", schema: { type: "Text" } });
  await ensureCustomMetadataFields(config(), GALLERY_METADATA_FIELDS);
  expect((await fieldsApi()).map(({ name }) => name)).toEqual(["caption", "rating"]);
});

it("names a field that exists with another type", async () => {
  await fieldsApi("POST", "", { name: "rating", label: "Stars", schema: { type: "Text" } });
  await expect(ensureCustomMetadataFields(config(), GALLERY_METADATA_FIELDS)).rejects.toThrow(
    'The custom metadata field "rating" exists in ImageKit as Text, but the demo writes Number values',
  );
});

it("says why a deleted field's name cannot be used again", async () => {
  const old = await fieldsApi<Field>("POST", "", {
    name: "caption",
    label: "Old caption",
    schema: { type: "Text" },
  });
  await fieldsApi("DELETE", `/${old.id}`);
  await expect(ensureCustomMetadataFields(config(), GALLERY_METADATA_FIELDS)).rejects.toThrow(
    /"caption" could not be created in ImageKit: .*name already exists.* use another name/,
  );
});

it("fails with ImageKit's answer, never with the key", async () => {
  const wrongKey = `${emulator.privateKey}_revoked`;
  const error = await ensureCustomMetadataFields(config(wrongKey), GALLERY_METADATA_FIELDS).catch(
    (caught: Error) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(
    /could not be listed in ImageKit: .*cannot be authenticated/,
  );
  expect((error as Error).message).not.toContain(wrongKey);
});

it("says that ImageKit could not be reached", async () => {
  const unreachable = readImageKitConfig({
    privateKey: emulator.privateKey,
    publicKey: emulator.publicKey,
    urlEndpoint: emulator.urlEndpoint,
    apiEndpoint: "http://127.0.0.1:9",
  });
  // Without the client's retries (and their backoff) to keep the test short.
  const client = createImageKitClient(unreachable, { maxRetries: 0 });
  const error = await ensureCustomMetadataFields(
    unreachable,
    GALLERY_METADATA_FIELDS,
    client,
  ).catch((caught: Error) => caught);
  expect((error as Error).message).toMatch(
    /could not be listed in ImageKit: ImageKit could not be reached/,
  );
});
