import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { FileStore } from "@tus/file-store";
import { Server } from "@tus/server";
import type { ErrorBody } from "../../src/upload-error";

export const TUS_PROFILE = "files";

export interface TusTestServer {
  /** The route's base, as the engine's `endpoint`. */
  endpoint: string;
  /** Creations (POST) and the bytes the store wrote, over all uploads. */
  stats: { creations: number; received: number; resultCalls: number };
  /** Answer the next creations with this refusal (its status is the code's). */
  refuseCreation(status: number, body: ErrorBody): void;
  /** Answer the result route with this error instead of the stored file. */
  failResult(status: number, body: ErrorBody): void;
  /** Wait this long before handing each PATCH to tus, so a test can pause mid-upload. */
  patchDelayMs: number;
  /** How many result asks of an upload answer 202 "forwarding" before the file. Default 1. */
  forwardingAnswers: number;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/**
 * A real `@tus/server` with `@tus/file-store` behind `{base}/{profile}/tus`, the config route,
 * and a stub of `GET {uploadUrl}/result`: 202 (half forwarded) on the first call for an upload
 * (`forwardingAnswers`), then 200 with a `CompleteResponse` built from what the store received.
 */
export async function startTusTestServer(): Promise<TusTestServer> {
  const directory = await mkdtemp(join(tmpdir(), "upkit-tus-"));
  const stats = { creations: 0, received: 0, resultCalls: 0 };
  let refusal: { status: number; body: ErrorBody } | undefined;
  let resultError: { status: number; body: ErrorBody } | undefined;

  class CountingStore extends FileStore {
    override async write(readable: IncomingMessage | Readable, id: string, offset: number) {
      const end = await super.write(readable, id, offset);
      stats.received += end - offset;
      return end;
    }
  }
  const datastore = new CountingStore({ directory });
  const base = `/api/upload/${TUS_PROFILE}/tus`;
  const tus = new Server({
    path: base,
    datastore,
    async onUploadCreate() {
      stats.creations++;
      if (refusal) throw { status_code: refusal.status, body: JSON.stringify(refusal.body) };
      return {};
    },
  });
  const polled = new Map<string, number>();

  async function result(id: string, res: ServerResponse) {
    stats.resultCalls++;
    if (resultError) return json(res, resultError.status, resultError.body);
    const upload = await datastore.getUpload(id);
    const size = upload.size ?? 0;
    const calls = (polled.get(id) ?? 0) + 1;
    polled.set(id, calls);
    if (calls <= handle.forwardingAnswers)
      return json(res, 202, { state: "forwarding", bytesSent: size / 2, size });
    const name = upload.metadata?.filename ?? id;
    json(res, 200, {
      file: {
        fileId: `ik-${id}`,
        name,
        filePath: `/${name}`,
        url: `https://ik.test/${name}`,
        size,
      },
      data: { offset: upload.offset, input: upload.metadata?.input ?? null },
    });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/api/upload/config") {
      return json(res, 200, {
        profiles: { [TUS_PROFILE]: { restrictions: {}, transports: ["tus"] } },
      });
    }
    const resultOf = new RegExp(`^${base}/([^/]+)/result$`).exec(path);
    if (resultOf?.[1] && req.method === "GET") return void result(resultOf[1], res);
    if (!path.startsWith(base)) return json(res, 404, {});
    const delay = req.method === "PATCH" ? handle.patchDelayMs : 0;
    setTimeout(() => void tus.handle(req, res), delay);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const handle: TusTestServer = {
    endpoint: `http://127.0.0.1:${port}/api/upload`,
    stats,
    refuseCreation: (status, body) => {
      refusal = { status, body };
    },
    failResult: (status, body) => {
      resultError = { status, body };
    },
    patchDelayMs: 0,
    forwardingAnswers: 1,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(directory, { recursive: true, force: true });
    },
  };
  return handle;
}
