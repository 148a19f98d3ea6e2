import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startEmulator, type TestEmulator } from "../support/emulator";
import { startRedisServer, type TestRedisServer } from "../support/redis-server";

/**
 * Two server instances, A and B, each its own process (`instance-server.ts`, bundled), that
 * share one real redis-server (their `state`), one tus directory (a shared volume) and one
 * emulator (ImageKit). Nothing is mocked: the instances can be killed with SIGKILL and Redis
 * stopped and started again. Start it once per test file (it takes a couple of seconds).
 */

export const WEBHOOK_SECRET = "whsec_scale_out_suite";

const here = import.meta.dirname;
/** esbuild, as tsx (a dependency of `@upkit/emulator`) resolves it: no dependency of our own. */
const esbuild = pathToFileURL(
  createRequire(
    createRequire(createRequire(import.meta.url).resolve("@upkit/emulator/package.json")).resolve(
      "tsx",
    ),
  ).resolve("esbuild"),
).href;

/**
 * `instance-server.ts` and everything it imports (`src`, `@upkit/core`'s `src`, node_modules)
 * as one file. Through tsx each instance took 4-5 s to start (its loader hooks run for each of
 * node-redis's hundreds of modules); the bundle starts in about half a second. Built once per
 * kit, from the sources as they are now.
 */
async function bundleInstance(outfile: string): Promise<void> {
  const { build, stop } = (await import(esbuild)) as {
    build(options: Record<string, unknown>): Promise<unknown>;
    stop(): Promise<void>;
  };
  try {
    await build({
      entryPoints: [join(here, "instance-server.ts")],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      keepNames: true,
      alias: { "@upkit/core": join(here, "../../../core/src/index.ts") },
      // CommonJS dependencies inside an ES module still call `require` for Node's built-ins.
      banner: {
        js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
      },
      logLevel: "error",
    });
  } finally {
    // esbuild's service process: not left running behind the tests.
    await stop();
  }
}

/** What an instance printed: `onUploadComplete`, `onWebhook`, an error, an answered request. */
export interface InstanceEvent {
  instance: string;
  kind: "complete" | "webhook" | "error" | "state-error" | "answered";
  [field: string]: unknown;
}

export interface Instance {
  name: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `{origin}/api/upload` */
  base: string;
  /** Everything it printed, in order. */
  events: InstanceEvent[];
  /** False once it exited (killed). */
  readonly alive: boolean;
  /** The end of what it wrote to stderr, for failure messages. */
  readonly stderr: string;
  /** SIGKILL, as a crash: no close, no flush; resolves once it exited. */
  kill(): Promise<void>;
}

/** A response, with its JSON body when it has one, and how long it took. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, checked by the assertions.
  body: any;
  ms: number;
}

export interface SendInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** Sent as an application/json body (POST unless `method` says otherwise). */
  json?: unknown;
  /** The signed-in user (`x-user`); default `ada`. `null` sends none. */
  user?: string | null;
}

/** A webhook the emulator delivered, as it arrived: replayable at will. */
export interface Delivery {
  body: string;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: the event's JSON.
  event: any;
}

export interface ScaleOutKit {
  redis: TestRedisServer;
  emulator: TestEmulator;
  /** The tus directory both instances use. */
  directory: string;
  a: Instance;
  b: Instance;
  /** Webhooks the emulator sent (to a recorder here, not to an instance). */
  deliveries: Delivery[];
  /**
   * One request to one instance. Returns once the instance has also printed that it answered
   * it, so that any `onUploadComplete` / `onWebhook` it ran is in `events` by then. Gives up
   * after 15 s: a hang fails the test with a message rather than its timeout.
   */
  send(instance: Instance, path: string, init?: SendInit): Promise<Answer>;
  /** A round-robin HTTP balancer in front of the live instances; closed with the kit. */
  balancer(options?: BalancerOptions): Promise<Balancer>;
  /** Events of one kind from both instances (A's, then B's), each in the order it printed them. */
  events(kind: InstanceEvent["kind"]): InstanceEvent[];
  close(): Promise<void>;
}

export interface ScaleOutOptions {
  /** Redis keeps its data across a stop and start (an append-only file). Default false. */
  persistRedis?: boolean;
  /** `redisState`'s `lockTtlMs` in the instances; default theirs (10 s). */
  lockTtlMs?: number;
  /** The `limited` profile's rate limit. Default 5 an hour. */
  rateLimit?: { limit: number; windowMs: number };
}

const children = new Set<ChildProcess>();
// A worker that dies without its afterAll must not leave instances behind.
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

export async function startScaleOut(options: ScaleOutOptions = {}): Promise<ScaleOutKit> {
  const root = await mkdtemp(join(tmpdir(), "upkit-scale-out-"));
  const directory = join(root, "tus");
  await mkdir(directory);
  const cleanups: (() => Promise<unknown>)[] = [() => rm(root, { recursive: true, force: true })];
  const close = async () => {
    // Last started, first stopped; every step runs even when one fails.
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    cleanups.length = 0;
  };
  try {
    let redis: TestRedisServer;
    if (options.persistRedis) {
      const redisDir = join(root, "redis");
      await mkdir(redisDir);
      redis = await startRedisServer({ persistIn: redisDir });
    } else {
      redis = await startRedisServer();
    }
    cleanups.push(() => redis.dispose());

    const deliveries: Delivery[] = [];
    const recorder = await listen(
      createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const headers: Record<string, string> = {};
        for (const name of [
          "content-type",
          "webhook-id",
          "webhook-timestamp",
          "webhook-signature",
        ]) {
          const value = req.headers[name];
          if (typeof value === "string") headers[name] = value;
        }
        const body = Buffer.concat(chunks).toString("utf8");
        deliveries.push({ body, headers, event: JSON.parse(body) });
        res.writeHead(200).end();
      }),
    );
    cleanups.push(() => closeServer(recorder.server));

    const emulator = await startEmulator({
      webhookUrl: `${recorder.origin}/webhook`,
      webhookSecret: WEBHOOK_SECRET,
    });
    cleanups.push(() => emulator.dispose());

    const env = {
      UPKIT_REDIS_URL: redis.url,
      UPKIT_TUS_DIRECTORY: directory,
      UPKIT_IMAGEKIT: JSON.stringify(emulator.imagekit),
      UPKIT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ...(options.lockTtlMs ? { UPKIT_LOCK_TTL_MS: String(options.lockTtlMs) } : {}),
      ...(options.rateLimit ? { UPKIT_RATE_LIMIT: JSON.stringify(options.rateLimit) } : {}),
    };
    const bundle = join(root, "instance-server.mjs");
    await bundleInstance(bundle);
    const start = async (name: string) => {
      const instance = await startInstance(bundle, name, env);
      cleanups.push(() => instance.kill());
      return instance;
    };
    const [a, b] = await Promise.all([start("A"), start("B")]);

    const kit: ScaleOutKit = {
      redis,
      emulator,
      directory,
      a,
      b,
      deliveries,
      send,
      async balancer(balancerOptions = {}) {
        const balancer = await startBalancer(() => [a, b], balancerOptions);
        cleanups.push(() => balancer.close());
        return balancer;
      },
      events: (kind) =>
        [a, b].flatMap((instance) => instance.events.filter((e) => e.kind === kind)),
      close,
    };
    return kit;
  } catch (error) {
    await close();
    throw error;
  }
}

function startInstance(
  bundle: string,
  name: string,
  env: Record<string, string>,
): Promise<Instance> {
  const child = spawn(process.execPath, [bundle], {
    env: { ...process.env, ...env, UPKIT_INSTANCE: name },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => children.delete(child));
  const events: InstanceEvent[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    // Kept short: only for failure messages.
    stderr = (stderr + chunk).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let pending = "";
    let started = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`instance ${name} did not start within 20 s: ${stderr}`));
    }, 20_000);
    child.once("exit", (code, signal) => {
      if (!started) {
        clearTimeout(timer);
        reject(new Error(`instance ${name} exited (${code ?? signal}): ${stderr}`));
      }
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("event ")) {
          events.push(JSON.parse(line.slice("event ".length)) as InstanceEvent);
          continue;
        }
        const port = /^listening (\d+)$/.exec(line)?.[1];
        if (!port || started) continue;
        started = true;
        clearTimeout(timer);
        const origin = `http://127.0.0.1:${port}`;
        resolve({
          name,
          origin,
          base: `${origin}/api/upload`,
          events,
          get alive() {
            return child.exitCode === null && child.signalCode === null;
          },
          get stderr() {
            return stderr;
          },
          async kill() {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
            await exited;
          },
        });
      }
    });
  });
}

async function send(instance: Instance, path: string, init: SendInit = {}): Promise<Answer> {
  const requestId = randomUUID();
  const headers: Record<string, string> = { "x-request-id": requestId, ...init.headers };
  const user = init.user === undefined ? "ada" : init.user;
  if (user !== null) headers["x-user"] = user;
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers["content-type"] ??= "application/json";
  }
  const method = init.method ?? (body === undefined ? "GET" : "POST");
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(`${instance.origin}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    const state = instance.alive ? "" : ` (it exited; stderr: ${instance.stderr})`;
    throw new Error(
      `${method} ${path} on ${instance.name} got no answer after ${Math.round(performance.now() - started)} ms${state}`,
      { cause: error },
    );
  }
  const text = await response.text();
  const ms = performance.now() - started;
  // The instance prints "answered" after whatever the request ran: waiting for it orders the
  // side channel (stdout) after the HTTP answer.
  const deadline = Date.now() + 5_000;
  while (!instance.events.some((e) => e.kind === "answered" && e.requestId === requestId)) {
    if (Date.now() > deadline || !instance.alive) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { status: response.status, headers: response.headers, text, body: parseJson(text), ms };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A tus PATCH whose body trickles in (16 pieces, 60 ms apart: about a second), so that it is
 * still being written when something else happens: another PATCH, a kill, an outage.
 */
export async function slowPatch(
  instance: Instance,
  uploadUrl: string,
  offset: number,
  body: Buffer,
) {
  const pieces = 16;
  const size = Math.ceil(body.length / pieces);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= body.length) {
        controller.close();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 60));
      controller.enqueue(new Uint8Array(body.subarray(sent, sent + size)));
      sent += size;
    },
  });
  const started = performance.now();
  const response = await fetch(`${instance.origin}${new URL(uploadUrl).pathname}`, {
    method: "PATCH",
    headers: {
      "tus-resumable": "1.0.0",
      "x-user": "ada",
      "upload-offset": String(offset),
      "content-type": "application/offset+octet-stream",
    },
    body: stream,
    duplex: "half",
    signal: AbortSignal.timeout(20_000),
  } as RequestInit);
  return {
    instance: instance.name,
    status: response.status,
    offset: response.headers.get("upload-offset"),
    text: await response.text(),
    ms: Math.round(performance.now() - started),
  };
}

/** One request the balancer forwarded. */
export interface Forwarded {
  method: string;
  path: string;
  instance: string;
  /** The instance's status; 502 when it died before answering. */
  status?: number;
}

export interface BalancerOptions {
  /** Picks among the live instances (A before B); default: round-robin over every request. */
  pick?: (live: Instance[], turn: number) => Instance;
  /**
   * Runs after each piece of a request body was passed on (`forwarded` bytes so far); the rest
   * of the body waits for it. Where a test kills an instance mid-request.
   */
  onBody?: (request: Forwarded, forwarded: number) => void | Promise<void>;
}

export interface Balancer {
  /** `http://127.0.0.1:<port>/api/upload` */
  base: string;
  /** Every request, in arrival order, with the instance that got it. */
  log: Forwarded[];
  close(): Promise<void>;
}

/**
 * A load balancer of our own, as small as it gets: each request goes whole (headers, streamed
 * body, streamed answer) to the next live instance. An instance that dies mid-request is a 502.
 */
async function startBalancer(
  instances: () => Instance[],
  options: BalancerOptions,
): Promise<Balancer> {
  const log: Forwarded[] = [];
  const pick = options.pick ?? ((live, turn) => live[turn % live.length] as Instance);
  let turn = 0;
  const { server, origin } = await listen(
    createServer(async (req, res) => {
      const live = instances().filter((instance) => instance.alive);
      if (live.length === 0) {
        res.writeHead(502, { connection: "close" }).end();
        return;
      }
      const target = pick(live, turn++);
      const entry: Forwarded = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        instance: target.name,
      };
      log.push(entry);
      const upstream = httpRequest(`${target.origin}${req.url}`, {
        method: req.method,
        headers: req.headers,
      });
      const failed = () => {
        entry.status ??= 502;
        if (res.headersSent) res.destroy();
        else res.writeHead(502, { connection: "close" }).end();
      };
      upstream.on("error", failed);
      upstream.on("response", (answer) => {
        entry.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on("error", () => res.destroy());
      });
      try {
        let forwarded = 0;
        for await (const chunk of req) {
          if (upstream.destroyed) break;
          forwarded += (chunk as Buffer).length;
          if (!upstream.write(chunk)) await once(upstream, "drain");
          await options.onBody?.(entry, forwarded);
        }
        if (!upstream.destroyed) upstream.end();
      } catch {
        // The instance died mid-body (`failed` answered) or the client left.
        upstream.destroy();
      }
    }),
  );
  return { base: `${origin}/api/upload`, log, close: () => closeServer(server) };
}

async function listen(server: Server): Promise<{ server: Server; origin: string }> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
