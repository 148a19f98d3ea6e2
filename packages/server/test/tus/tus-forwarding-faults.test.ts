import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createImageKitClient } from "../../src/imagekit/create-imagekit-client";
import { createUploadHandler, defineProfile } from "../../src/index";
import { toNodeHandler } from "../../src/node";
import { startEmulator, type TestEmulator } from "../support/emulator";
import { randomFile, sha256, tusUpload, waitForResult } from "./tus-kit";

/**
 * A connection reset and a stall at ImageKit while the server forwards a finished upload: the
 * server's client gives up on a silent attempt after 300 ms here (60 s by default) and the
 * forward tries again from the stored bytes, so the browser sends nothing twice.
 */
let emulator: TestEmulator;
let server: Server;
let base: string;
let directory: string;

beforeAll(async () => {
  emulator = await startEmulator();
  directory = await mkdtemp(join(tmpdir(), "upkit-tus-faults-"));
  const uploads = createUploadHandler({
    imagekit: emulator.imagekit,
    client: createImageKitClient(emulator.imagekit, { timeoutMs: 300, baseDelayMs: 10 }),
    tus: { directory },
    profiles: {
      files: defineProfile({
        transports: ["tus"],
        rateLimit: false,
        options: () => ({ folder: "/faults" }),
      }),
    },
  });
  server = createServer(toNodeHandler(uploads));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/upload`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await emulator?.dispose();
  if (directory) await rm(directory, { recursive: true, force: true });
});

async function faultOnce(fault: Record<string, unknown>) {
  const response = await fetch(`${emulator.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ method: "POST", path: "/api/v1/files/upload", times: 1, fault }),
  });
  expect(response.ok).toBe(true);
}

const storedNames = async () =>
  ((await emulator.api("/v1/files?path=/faults")).body as { name: string }[]).map((f) => f.name);

it.each([
  ["a connection reset", { resetAfterBytes: 64 * 1024 }],
  ["a stall", { stall: true }],
])("forwards again after %s at ImageKit, storing the file once", async (label, fault) => {
  await faultOnce(fault);
  const data = randomFile(512 * 1024 + 3);
  const name = `${label.replace(/\W/g, "-")}.bin`;
  const { url } = await tusUpload(`${base}/files/tus`, data, {
    metadata: { filename: name, filetype: "application/octet-stream" },
  });
  const result = await waitForResult(url);
  expect(result.status).toBe(200);
  const stored = Buffer.from(await (await fetch(result.body.file.url)).arrayBuffer());
  expect(sha256(stored)).toBe(sha256(data));
  // The fault was used up, and ImageKit holds one file of this name, not a partial second.
  expect(await (await fetch(`${emulator.url}/_emulator/faults`)).json()).toEqual([]);
  const stem = name.replace(/\.bin$/, "");
  expect((await storedNames()).filter((stored) => stored.startsWith(stem))).toHaveLength(1);
  expect(await readdir(directory)).toEqual([]);
});
