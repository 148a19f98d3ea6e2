import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UploadError } from "@upkit/core";
import { expect } from "vitest";
import { z } from "zod";
import { createUploadHandler, defineProfile } from "../../src/index";
import { toNodeHandler } from "../../src/node";
import { ownerKey } from "../../src/tus/owner-key";
import { startEmulator, type TestEmulator } from "../support/emulator";
import type { Answer, Completion, SendInit } from "./harness";
import type { RawOptions, rawExchange } from "./raw-http";
import { recordingClient } from "./recording-client";

/** The `files` profile's limit, bytes. */
export const FILES_MAX_SIZE = 2_000_000;

/** Where the tus handler is mounted. */
export const TUS_BASE = "/api/upload";

/**
 * A valid-looking upload planted next to the store directory, owned by `mallory` on `files`: if an
 * id ever escaped the store, the owner check would pass and a HEAD would find it.
 */
export const PLANTED_ID = "planted";

/** The state before a case, to compare with once it ran. */
export interface TusMark {
  handled: number;
  reported: number;
  adapterFailures: number;
  completions: number;
  imagekitFiles: number;
  /** Names in the store directory. */
  stored: string[];
  /** Every file next to the store (the planted upload), with its size, time and content. */
  outside: string;
}

export interface TusTarget {
  emulator: TestEmulator;
  port: number;
  /** The store directory; `root` is its parent, which holds the planted upload. */
  directory: string;
  root: string;
  completions: Completion[];
  answers: { what: string; status: number; headers: string; text: string }[];
  handled: { what: string; status: number }[];
  reported: unknown[];
  adapterFailures: unknown[];
  /** A request as `fetch` sends it; `Tus-Resumable` is added unless `headers` names it. */
  send(path: string, init?: SendInit): Promise<Answer>;
  raw(chunks: (string | Buffer)[], options?: RawOptions): ReturnType<typeof rawExchange>;
  /** Creates an upload as `user`; resolves with its path (`/api/upload/{profile}/tus/{id}`). */
  create(user: string, profile?: "files" | "photos", length?: number): Promise<string>;
  /** The upload's offset as its owner's HEAD says, or the status when it is not 200. */
  offsetOf(path: string, user: string): Promise<number | { status: number }>;
  imagekitFiles(): Promise<number>;
  storedFiles(): Promise<string[]>;
  mark(): Promise<TusMark>;
  /** Waits until the handler has answered `requests` requests since `mark`. */
  settled(mark: TusMark, requests?: number): Promise<void>;
  /**
   * After a refused case: no 5xx, nothing reported to `onError`, nothing new in ImageKit,
   * `onUploadComplete` did not run, the store holds exactly what it held, nothing outside it changed.
   */
  expectClean(mark: TusMark): Promise<void>;
  close(): Promise<void>;
}

function signedIn(request: Request): { user: string } {
  const user = request.headers.get("x-user");
  if (!user) throw new UploadError("unauthorized", "Sign in to upload.");
  return { user };
}

/** The handler under attack: two tus profiles, one that does not allow tus, on a real port. */
export async function startTusTarget(): Promise<TusTarget> {
  const completions: Completion[] = [];
  const reported: unknown[] = [];
  const handled: TusTarget["handled"] = [];
  const adapterFailures: unknown[] = [];
  const answers: TusTarget["answers"] = [];
  const emulator = await startEmulator();
  const root = await mkdtemp(join(tmpdir(), "upkit-tus-security-"));
  const directory = join(root, "store");
  await mkdir(directory);
  await plant(root, emulator.imagekit.privateKey);

  const completed = (profile: string, user: string, fileId: string) => {
    completions.push({ profile, user, fileId });
    return { owner: user };
  };
  const uploads = createUploadHandler({
    imagekit: emulator.imagekit,
    basePath: TUS_BASE,
    tus: { directory },
    onError: (error) => void reported.push(error),
    profiles: {
      photos: defineProfile({
        transports: ["tus"],
        restrictions: { accept: ["image/*"], maxFileSize: 1_000_000 },
        input: z.object({ album: z.string().min(1).max(50) }),
        authorize: signedIn,
        rateLimit: false,
        options: ({ ctx, input }) => ({ folder: `/users/${ctx.user}/${input.album}` }),
        onUploadComplete: ({ ctx, file }) => completed("photos", ctx.user, file.fileId),
      }),
      files: defineProfile({
        transports: ["tus"],
        restrictions: { maxFileSize: FILES_MAX_SIZE },
        authorize: signedIn,
        rateLimit: false,
        options: ({ ctx }) => ({ folder: `/files/${ctx.user}` }),
        onUploadComplete: ({ ctx, file }) => completed("files", ctx.user, file.fileId),
      }),
      avatar: defineProfile({
        transports: ["direct"],
        restrictions: { accept: ["image/*"], maxFileSize: "1MB" },
        authorize: signedIn,
        rateLimit: false,
      }),
    },
  });
  const adapter = toNodeHandler(async (request, context) => {
    const response = await uploads(request, context);
    handled.push({ what: `${request.method} ${request.url}`, status: response.status });
    return response;
  });
  const server: Server = createServer((req, res) => {
    adapter(req, res).catch((error: unknown) => {
      adapterFailures.push(error);
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const client = recordingClient(port, answers);

  const imagekitFiles = async () => {
    const listed = await emulator.api("/v1/files?limit=1000");
    expect(listed.status).toBe(200);
    return (listed.body as unknown[]).length;
  };
  const storedFiles = async () => (await readdir(directory)).sort();

  const target: TusTarget = {
    emulator,
    port,
    directory,
    root,
    completions,
    answers,
    handled,
    reported,
    adapterFailures,
    // tus's protocol header on every request.
    send: (path, init = {}) =>
      client.send(path, { ...init, headers: { "tus-resumable": "1.0.0", ...init.headers } }),
    raw: client.raw,
    async create(user, profile = "files", length = 10) {
      const answer = await target.send(`${TUS_BASE}/${profile}/tus`, {
        method: "POST",
        user,
        headers: {
          "upload-length": String(length),
          "upload-metadata":
            profile === "files"
              ? metadata({ filename: "notes.txt", filetype: "text/plain" })
              : metadata({
                  filename: "photo.png",
                  filetype: "image/png",
                  input: JSON.stringify({ album: "trip" }),
                }),
        },
      });
      expect(answer.status, answer.text).toBe(201);
      const location = answer.headers.get("location") ?? "";
      expect(location).toMatch(new RegExp(`^${TUS_BASE}/${profile}/tus/[A-Za-z0-9]+$`));
      return location;
    },
    async offsetOf(path, user) {
      const answer = await target.send(path, { method: "HEAD", user });
      if (answer.status !== 200) return { status: answer.status };
      return Number(answer.headers.get("upload-offset"));
    },
    imagekitFiles,
    storedFiles,
    async mark() {
      return {
        handled: handled.length,
        reported: reported.length,
        adapterFailures: adapterFailures.length,
        completions: completions.length,
        imagekitFiles: await imagekitFiles(),
        stored: await storedFiles(),
        outside: await describeOutside(root),
      };
    },
    async settled(mark, requests = 1) {
      const deadline = Date.now() + 5000;
      const done = () => handled.length + adapterFailures.length;
      while (done() < mark.handled + mark.adapterFailures + requests && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(done() - mark.handled - mark.adapterFailures, "requests the handler finished").toBe(
        requests,
      );
    },
    async expectClean(mark) {
      // One assertion, so that a 5xx shows with the error the handler reported for it.
      expect({
        "adapter rejected": adapterFailures.slice(mark.adapterFailures).map(String),
        "handler answered 5xx": handled.slice(mark.handled).filter((h) => h.status >= 500),
        "reported to onError": reported.slice(mark.reported).map(String),
      }).toEqual({ "adapter rejected": [], "handler answered 5xx": [], "reported to onError": [] });
      expect(completions.length, "onUploadComplete ran").toBe(mark.completions);
      await emulator.idle();
      expect(await imagekitFiles(), "files in ImageKit").toBe(mark.imagekitFiles);
      expect(await storedFiles(), "the tus store").toEqual(mark.stored);
      expect(await describeOutside(root), "files next to the store").toBe(mark.outside);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await emulator.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
  return target;
}

/** `Upload-Metadata`: each value base64. */
export function metadata(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString("base64")}`)
    .join(",");
}

/**
 * A FileStore upload (its bytes and its `.json`) one level above the store, owned by mallory on
 * `files`, as tus would have written it: what an id escaping the store would reach.
 */
async function plant(root: string, privateKey: string): Promise<void> {
  const owner = await ownerKey(privateKey, "files", { user: "mallory" });
  await writeFile(join(root, PLANTED_ID), "0123");
  await writeFile(
    join(root, `${PLANTED_ID}.json`),
    JSON.stringify({
      id: PLANTED_ID,
      size: 10,
      offset: 0,
      metadata: { filename: "planted.txt", filetype: "text/plain", profile: "files", owner },
      creation_date: new Date().toISOString(),
    }),
  );
}

/** Every file in `root` but the store: name, size, modification time and content. */
async function describeOutside(root: string): Promise<string> {
  const names = (await readdir(root)).filter((name) => name !== "store").sort();
  const lines = await Promise.all(
    names.map(async (name) => {
      const path = join(root, name);
      const info = await stat(path);
      return `${name} ${info.size} ${info.mtimeMs} ${await readFile(path, "utf8")}`;
    }),
  );
  return lines.join("\n");
}
