/**
 * Saved extensions over HTTP: the `/v1/saved-extensions` API (`@imagekit/nodejs` 7.11
 * `savedExtensions.*`) and an upload's `{ name: "saved-extension", id }`, which runs the saved
 * configuration under that configuration's own name.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blob, jpeg } from "../support/images";
import {
  api,
  basicAuth,
  startEmulator,
  type TestEmulator,
  upload,
} from "../support/start-emulator";

const HELP = "For support kindly contact us at support@imagekit.io .";
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const classify = {
  name: "ai-tasks",
  tasks: [
    {
      type: "select_tags",
      instruction: "What colour is it?",
      vocabulary: ["red", "blue", "green"],
      max_selections: 1,
    },
  ],
};

let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator?.dispose());

const create = (body: unknown, target: TestEmulator = emulator) =>
  api(target, "/v1/saved-extensions", { method: "POST", body: JSON.stringify(body) });

describe("the saved extensions API", () => {
  it("create (201), get, list, update, delete (204), then 404", async () => {
    const created = await create({
      name: "Colour classifier",
      description: "Tags the main colour",
      config: classify,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: "Colour classifier",
      description: "Tags the main colour",
      config: classify,
      createdAt: expect.stringMatching(ISO),
      updatedAt: created.body.createdAt,
    });
    const { id } = created.body;

    expect((await api(emulator, `/v1/saved-extensions/${id}`)).body).toEqual(created.body);
    const list = await api(emulator, "/v1/saved-extensions");
    expect(list.status).toBe(200);
    expect(list.body).toContainEqual(created.body);

    const updated = await api(emulator, `/v1/saved-extensions/${id}`, {
      method: "PATCH",
      body: JSON.stringify({ name: "Renamed", config: { name: "ai-auto-description" } }),
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id,
      name: "Renamed",
      description: "Tags the main colour",
      config: { name: "ai-auto-description" },
      createdAt: created.body.createdAt,
    });

    const deleted = await api(emulator, `/v1/saved-extensions/${id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    const gone = await api(emulator, `/v1/saved-extensions/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({
      message: "The requested saved extension does not exist.",
      help: HELP,
    });
    expect((await api(emulator, `/v1/saved-extensions/${id}`, { method: "DELETE" })).status).toBe(
      404,
    );
  });

  it.each([
    ["no name", { description: "d", config: classify }, "Your request is missing name parameter."],
    [
      "no description",
      { name: "n", config: classify },
      "Your request is missing description parameter.",
    ],
    ["no config", { name: "n", description: "d" }, "Your request is missing config parameter."],
    [
      "a config that is itself a saved-extension",
      { name: "n", description: "d", config: { name: "saved-extension", id: "abc" } },
      "Your request contains invalid config parameter.",
    ],
    [
      "a config with invalid options",
      {
        name: "n",
        description: "d",
        config: { name: "google-auto-tagging", maxTags: 0, minConfidence: 50 },
      },
      "Your request contains invalid config parameter.",
    ],
  ])("create with %s: 400", async (_name, body, message) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message, help: HELP });
  });

  it("needs the private key", async () => {
    const res = await fetch(`${emulator.url}/v1/saved-extensions`, {
      headers: { authorization: basicAuth("private_wrong") },
    });
    expect(res.status).toBe(403);
    expect((await fetch(`${emulator.url}/v1/saved-extensions`)).status).toBe(401);
  });

  it("at most 100 per account", async () => {
    const full = await startEmulator();
    try {
      for (let i = 0; i < 100; i++) {
        const res = await create(
          { name: `e${i}`, description: "d", config: { name: "ai-auto-description" } },
          full,
        );
        expect(res.status).toBe(201);
      }
      const over = await create({ name: "e100", description: "d", config: classify }, full);
      expect(over.status).toBe(400);
      expect(over.body).toEqual({
        message: "You can create a maximum of 100 saved extensions per account.",
        help: HELP,
      });
    } finally {
      await full.dispose();
    }
  });

  it("survives a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "upkit-saved-extensions-"));
    try {
      const first = await startEmulator({ dataDir });
      const { body } = await create({ name: "kept", description: "d", config: classify }, first);
      await first.dispose();
      const second = await startEmulator({ dataDir });
      expect((await api(second, `/v1/saved-extensions/${body.id}`)).body).toEqual(body);
      await second.dispose();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("an upload's saved-extension", () => {
  it("runs the saved configuration, reported under its own name", async () => {
    const { body: saved } = await create({ name: "classify", description: "d", config: classify });
    const res = await upload(emulator, {
      file: blob(await jpeg(60, 40)),
      fileName: "car.jpg",
      extensions: JSON.stringify([
        { name: "saved-extension", id: saved.id },
        { name: "google-auto-tagging", maxTags: 1, minConfidence: 90 },
      ]),
      responseFields: "tags",
    });
    expect(res.status).toBe(200);
    expect(res.body.extensionStatus).toEqual({
      "ai-tasks": "success",
      "google-auto-tagging": "success",
    });
    expect(res.body.tags).toEqual(["blue"]);
    expect(res.body.AITags).toEqual([
      { name: "Blue", confidence: 96.5, source: "google-auto-tagging" },
    ]);
  });

  it("a saved remove-bg is pending, as remove-bg is", async () => {
    const { body: saved } = await create({
      name: "cut out",
      description: "d",
      config: { name: "remove-bg", options: { bg_color: "white" } },
    });
    const res = await upload(emulator, {
      file: blob(await jpeg(20, 20)),
      fileName: "cut.jpg",
      extensions: JSON.stringify([{ name: "saved-extension", id: saved.id }]),
    });
    expect(res.status).toBe(200);
    expect(res.body.extensionStatus).toEqual({ "remove-bg": "pending" });
  });

  it("an id with no saved extension (or none at all): 400, nothing stored", async () => {
    const before = (await api(emulator, "/v1/files")).body.length;
    for (const item of [
      { name: "saved-extension", id: "ffffffffffffffffffffffff" },
      { name: "saved-extension" },
    ]) {
      const res = await upload(emulator, {
        file: blob(await jpeg(20, 20)),
        fileName: "x.jpg",
        extensions: JSON.stringify([item]),
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        message: "Your request contains invalid extensions parameter.",
        help: HELP,
      });
    }
    expect((await api(emulator, "/v1/files")).body.length).toBe(before);
  });
});
