import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UploadError } from "@upkit/core";
import type { EmulatorOptions } from "@upkit/emulator";
import { Upload, type UploadOptions } from "tus-js-client";
import { z } from "zod";
import { createUploadHandler, defineProfile, type TusOptions } from "../../src/index";
import { toNodeHandler } from "../../src/node";
import { startEmulator, type TestEmulator } from "../support/emulator";

/** The handler under test, served on a real port, with a real emulator behind it. */
export interface TusKit {
  emulator: TestEmulator;
  /** `http://127.0.0.1:<port>/api/upload` */
  base: string;
  directory: string;
  uploads: ReturnType<typeof buildHandler>;
  /** The names left in the tus store's directory. */
  storedFiles(): Promise<string[]>;
  /** How many files the emulator holds. */
  imagekitFiles(): Promise<number>;
  close(): Promise<void>;
}

const user = (request: Request) => {
  const id = request.headers.get("x-user");
  if (!id) throw new UploadError("unauthorized", "Sign in to upload.");
  return { user: id };
};

function buildHandler(emulator: TestEmulator, tus: TusOptions) {
  return createUploadHandler({
    imagekit: emulator.imagekit,
    tus,
    profiles: {
      images: defineProfile({
        transports: ["tus"],
        restrictions: { accept: ["image/*"], maxFileSize: "1MB" },
        input: z.object({ album: z.string().min(1) }),
        authorize: user,
        rateLimit: false,
        options: ({ ctx, input }) => ({ folder: `/${ctx.user}/${input.album}` }),
        onUploadComplete: ({ ctx, input, file }) => ({
          by: ctx.user,
          album: input.album,
          id: file.fileId,
        }),
      }),
      files: defineProfile({
        transports: ["tus"],
        restrictions: { maxFileSize: "20MB" },
        authorize: user,
        rateLimit: false,
        options: () => ({ folder: "/files", useUniqueFileName: false }),
        onUploadComplete: ({ file }) => ({ size: file.size }),
      }),
      // Three uploads a minute for each user.
      limited: defineProfile({
        transports: ["tus"],
        authorize: user,
        rateLimit: { limit: 3, windowMs: 60_000, key: (_request, ctx) => ctx.user },
        options: () => ({ folder: "/limited" }),
      }),
      direct: defineProfile({ rateLimit: false }),
    },
  });
}

export async function startTusKit(
  tus: Omit<TusOptions, "directory"> = {},
  emulatorOptions: EmulatorOptions = {},
): Promise<TusKit> {
  const emulator = await startEmulator(emulatorOptions);
  const directory = await mkdtemp(join(tmpdir(), "upkit-tus-test-"));
  const uploads = buildHandler(emulator, { ...tus, directory });
  const server: Server = createServer(toNodeHandler(uploads));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/upload`;
  return {
    emulator,
    base,
    directory,
    uploads,
    storedFiles: () => readdir(directory),
    imagekitFiles: async () => (await emulator.api("/v1/files")).body.length,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await emulator.dispose();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Runs a tus-js-client upload to its end; resolves with its upload URL. */
export function tusUpload(
  endpoint: string,
  data: Buffer,
  options: Partial<UploadOptions> & { userId?: string } = {},
): Promise<{ url: string; upload: Upload }> {
  const { userId = "ada", ...rest } = options;
  return new Promise((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint,
      chunkSize: 256 * 1024,
      retryDelays: [],
      headers: { "x-user": userId },
      ...rest,
      onError: reject,
      onSuccess: () => resolve({ url: upload.url as string, upload }),
    });
    upload.start();
  });
}

/** Polls the result route until forwarding ends; returns its last answer. */
export async function waitForResult(
  uploadUrl: string,
  userId = "ada",
  // biome-ignore lint/suspicious/noExplicitAny: a test reads the answer's JSON by its shape.
): Promise<{ status: number; body: any }> {
  for (let i = 0; i < 200; i++) {
    const response = await fetch(`${uploadUrl}/result`, { headers: { "x-user": userId } });
    const body = await response.json();
    if (response.status !== 202) return { status: response.status, body };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("forwarding never ended");
}

export const sha256 = (data: Buffer | Uint8Array) =>
  createHash("sha256").update(data).digest("hex");

export const randomFile = (size: number) => randomBytes(size);

/** A tus request by hand, with the protocol header and a user. */
export function tusFetch(url: string, init: RequestInit & { userId?: string } = {}) {
  const { userId = "ada", headers, ...rest } = init;
  return fetch(url, {
    ...rest,
    headers: { "tus-resumable": "1.0.0", "x-user": userId, ...(headers as Record<string, string>) },
  });
}

/** `Upload-Metadata`: each value base64. */
export function tusMetadata(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString("base64")}`)
    .join(",");
}
