import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmulator, type Emulator, type EmulatorOptions } from "../../src/index";

export interface TestEmulator extends Emulator {
  /** Stops it and deletes its data directory. */
  dispose(): Promise<void>;
}

/** A real emulator on a free port with a fresh data directory. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "upkit-emulator-test-")));
  const emulator = await createEmulator({ port: 0, asyncDelayMs: 20, ...options, dataDir });
  return Object.assign(emulator, {
    async dispose() {
      await emulator.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  });
}

export const basicAuth = (key = "private_emulator_key") =>
  `Basic ${Buffer.from(`${key}:`).toString("base64")}`;

export type Fields = Record<string, string | Blob>;

/** POSTs a multipart upload, as a browser or an SDK would. */
export async function upload(
  emulator: Emulator,
  fields: Fields,
  {
    api = "v1",
    auth = basicAuth(),
    headers = {},
  }: { api?: "v1" | "v2"; auth?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, any>; headers: Headers }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Blob)
      form.append(name, value, name === "file" ? String(fields.fileName ?? "file") : undefined);
    else form.append(name, value);
  }
  const response = await fetch(`${emulator.url}/api/${api}/files/upload`, {
    method: "POST",
    body: form,
    headers: { ...(auth ? { authorization: auth } : {}), ...headers },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

/** GETs a management API path with Basic auth. */
export async function api(emulator: Emulator, path: string, init: RequestInit = {}) {
  const response = await fetch(`${emulator.url}${path}`, {
    ...init,
    headers: {
      authorization: basicAuth(),
      ...(init.body ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}
