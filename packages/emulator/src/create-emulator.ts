import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EmulatorContext } from "./context";
import { CustomMetadataFields } from "./custom-metadata/custom-metadata-fields";
import { customMetadataRoutes } from "./custom-metadata/custom-metadata-routes";
import { SavedExtensions } from "./extensions/saved-extensions";
import { savedExtensionsRoutes } from "./extensions/saved-extensions-routes";
import { handleFileRequest } from "./file-server/handle-file-request";
import { filesRoutes } from "./files/files-routes";
import { adminRoutes } from "./http/admin-routes";
import { applyCors } from "./http/cors";
import { applyFault, findFault } from "./http/faults";
import { ImageKitError, MESSAGES } from "./http/imagekit-error";
import { createRateLimiter } from "./http/rate-limit";
import { sendEmpty, sendJson } from "./http/respond";
import { createRouter } from "./http/router";
import { Jobs } from "./jobs";
import { DEFAULTS, type EmulatorOptions, type PlanName, resolveOptions } from "./options";
import { BlobStore } from "./storage/blob-store";
import { openDatabase } from "./storage/database";
import { FileRepository } from "./storage/file-repository";
import { TokenLedger } from "./storage/token-ledger";
import { uploadHandler } from "./upload/handle-upload";
import { WebhookSender } from "./webhooks/webhook-sender";

export interface Emulator {
  /** Base URL of the APIs: uploads at `${url}/api/v1/files/upload`, files at `${url}/v1/files`. */
  url: string;
  /** Where files are served (the account's URL endpoint). */
  urlEndpoint: string;
  privateKey: string;
  publicKey: string;
  dataDir: string;
  /** The upload size limits in force, bytes, and the plan they start from. */
  limits: { plan: PlanName; maxFileSize: number; maxVideoSize: number };
  /** Resolves once every background job (webhooks, post-transformations, extensions) settled. */
  idle(): Promise<void>;
  /** Stops accepting requests, cancels pending jobs, closes the database. */
  close(): Promise<void>;
}

const routes = createRouter([
  { method: "POST", pattern: "/api/v1/files/upload", handler: uploadHandler("v1") },
  { method: "POST", pattern: "/api/v2/files/upload", handler: uploadHandler("v2") },
  ...filesRoutes,
  ...customMetadataRoutes,
  ...savedExtensionsRoutes,
  ...adminRoutes,
]);

/** Starts a local ImageKit. See the package README for every endpoint and option. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options);
  const db = openDatabase(resolved.dataDir);
  const blobs = new BlobStore(resolved.dataDir);
  await blobs.init();
  const files = new FileRepository(db);
  const referenced = files.referencedBlobs();
  await blobs.sweep((key) => referenced.has(key));
  const jobs = new Jobs();

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = { "0.0.0.0": "127.0.0.1", "::": "[::1]" }[resolved.host] ?? resolved.host;
  const url = `http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
  // The documented default endpoint says `localhost`, as users will see it in URLs.
  resolved.urlEndpoint ||= `http://localhost:${port}${DEFAULTS.urlPath}`;

  const ctx: EmulatorContext = {
    options: resolved,
    urlPath: new URL(resolved.urlEndpoint).pathname.replace(/\/+$/, ""),
    db,
    files,
    tokens: new TokenLedger(db),
    blobs,
    customMetadata: new CustomMetadataFields(db),
    savedExtensions: new SavedExtensions(db),
    webhooks: new WebhookSender(
      resolved,
      jobs,
      resolved.log ? (line) => console.log(line) : undefined,
    ),
    jobs,
  };
  const rateLimit = createRateLimiter(() => ctx.options.rateLimit);
  server.on("request", (req, res) => {
    void handle(req, res, ctx, rateLimit);
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    urlEndpoint: resolved.urlEndpoint,
    privateKey: resolved.privateKey,
    publicKey: resolved.publicKey,
    dataDir: resolved.dataDir,
    limits: {
      plan: resolved.plan,
      maxFileSize: resolved.maxFileSize,
      maxVideoSize: resolved.maxVideoSize,
    },
    idle: () => jobs.idle(),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        ctx.webhooks.close();
        await jobs.close();
        db.close();
      })();
      return closing;
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EmulatorContext,
  rateLimit: ReturnType<typeof createRateLimiter>,
): Promise<void> {
  const started = Date.now();
  const requestId = randomUUID();
  res.setHeader("x-request-id", requestId);
  res.setHeader("x-ik-requestId", requestId);
  applyCors(req, res);
  if (ctx.options.log) {
    res.on("finish", () =>
      console.log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`),
    );
  }
  try {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    if (req.method === "OPTIONS") {
      sendEmpty(res, 204);
      return;
    }
    const fault = url.pathname.startsWith("/_emulator/")
      ? undefined
      : findFault(req, ctx.options.faults);
    if (fault && (await applyFault(fault, req, res, ctx.options.rateLimit)) === "handled") return;

    if (
      (req.method === "GET" || req.method === "HEAD") &&
      url.pathname.startsWith(`${ctx.urlPath}/`)
    ) {
      await handleFileRequest(req, res, ctx, url);
      return;
    }
    if (url.pathname.startsWith("/v1/") && rateLimit(res, req) === "limited") return;
    const match = routes.match(req.method ?? "GET", url.pathname);
    if (match === undefined) throw new ImageKitError(404, MESSAGES.notFound);
    if (match === "method") {
      res.setHeader("allow", routes.allowed(url.pathname).join(", "));
      throw new ImageKitError(405, "Method not allowed.");
    }
    await match.handler(req, res, ctx, match.params, url);
  } catch (error) {
    respondWithError(req, res, error);
  }
}

function respondWithError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  // A body nobody read is drained so the answer reaches the client instead of a reset.
  if (!req.complete) req.resume();
  if (error instanceof ImageKitError) {
    sendJson(res, error.status, error);
    return;
  }
  if (req.destroyed) return;
  console.error("emulator: unexpected error:", error instanceof Error ? error.message : error);
  sendJson(res, 500, new ImageKitError(500, "Internal emulator error."));
}
