import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmulator, type Emulator, type EmulatorOptions } from "@upkit/emulator";

export interface TestEmulator extends Emulator {
  /** The `imagekit` config of a handler pointed at this emulator. */
  imagekit: {
    privateKey: string;
    publicKey: string;
    urlEndpoint: string;
    uploadEndpoint: string;
    apiEndpoint: string;
  };
  /** A management API call with Basic auth, as a test would check ImageKit's state. */
  api(path: string, init?: RequestInit): Promise<{ status: number; body: any }>;
  dispose(): Promise<void>;
}

/** A real emulator on a free port with a fresh data directory. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const dataDir = await mkdtemp(join(tmpdir(), "upkit-server-test-"));
  const emulator = await createEmulator({ port: 0, asyncDelayMs: 20, ...options, dataDir });
  const auth = `Basic ${Buffer.from(`${emulator.privateKey}:`).toString("base64")}`;
  return Object.assign(emulator, {
    imagekit: {
      privateKey: emulator.privateKey,
      publicKey: emulator.publicKey,
      urlEndpoint: emulator.urlEndpoint,
      uploadEndpoint: emulator.url,
      apiEndpoint: emulator.url,
    },
    async api(path: string, init: RequestInit = {}) {
      const response = await fetch(`${emulator.url}${path}`, {
        ...init,
        headers: {
          authorization: auth,
          ...(init.body ? { "content-type": "application/json" } : {}),
          ...init.headers,
        },
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async dispose() {
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}

/** A small real PNG (1x1, red), valid for every image decoder. */
export const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);
