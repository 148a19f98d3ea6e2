import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  applyFault,
  destroyStalledSockets,
  findFault,
  injectFault,
  parseFaultHeader,
  stalledSocketCount,
  validateFaultRule,
} from "../../src/http/faults";
import { ImageKitError } from "../../src/http/imagekit-error";
import { sendJson } from "../../src/http/respond";
import type { Fault, FaultRule } from "../../src/options";

interface Handled {
  bytes: number;
  stored: boolean;
  error?: string;
}

/** A small server doing what the emulator does: fault first, then read the whole body, "store" it. */
async function faultyServer(
  rules: FaultRule[] = [],
  rateLimit?: { limit: number; intervalMs: number },
) {
  const handled: Handled[] = [];
  const server: Server = createServer(async (req, res) => {
    let fault: Fault | undefined;
    try {
      fault = findFault(req, rules);
    } catch (error) {
      if (!(error instanceof ImageKitError)) throw error;
      req.resume();
      sendJson(res, error.status, error.toJSON());
      return;
    }
    if (fault && (await applyFault(fault, req, res, rateLimit)) === "handled") return;
    const entry: Handled = { bytes: 0, stored: false };
    handled.push(entry);
    try {
      for await (const chunk of req) entry.bytes += (chunk as Buffer).length;
      entry.stored = true;
      sendJson(res, 200, { bytes: entry.bytes });
    } catch (error) {
      entry.error = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      destroyStalledSockets(server);
      server.close(() => resolve());
    });
  cleanups.push(close);
  return { server, port, handled, close };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function call(
  port: number,
  {
    method = "POST",
    path = "/api/v1/files/upload",
    headers = {},
    body,
    timeoutMs,
  }: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: Buffer;
    timeoutMs?: number;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      method,
      path,
      headers: { ...headers, ...(body ? { "content-length": String(body.length) } : {}) },
      agent: false,
    });
    if (timeoutMs)
      req.setTimeout(timeoutMs, () =>
        req.destroy(Object.assign(new Error("client timeout"), { code: "CLIENT_TIMEOUT" })),
      );
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    req.end(body);
  });
}

/** The i-th element, which must be there. */
function at<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`no element ${i} (length ${list.length})`);
  return item;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const bigBody = () => Buffer.alloc(512 * 1024, 7);

describe("parseFaultHeader", () => {
  it("reads every directive, combined with ;", () => {
    expect(parseFaultHeader("status=503")).toEqual({ status: 503 });
    expect(parseFaultHeader("status=429")).toEqual({ status: 429 });
    expect(parseFaultHeader("latency=500")).toEqual({ latencyMs: 500 });
    expect(parseFaultHeader("reset-after=1024")).toEqual({ resetAfterBytes: 1024 });
    expect(parseFaultHeader("stall")).toEqual({ stall: true });
    expect(parseFaultHeader(" latency=200 ; status=503 ;")).toEqual({
      latencyMs: 200,
      status: 503,
    });
  });

  it("rejects what it does not know", () => {
    for (const bad of [
      "status=404",
      "status=abc",
      "latency=-1",
      "latency",
      "reset-after=1.5",
      "explode",
      "stall=yes",
      "",
    ]) {
      expect(() => parseFaultHeader(bad), bad).toThrow();
    }
  });
});

describe("validateFaultRule", () => {
  it("accepts object and header-grammar faults, normalises the method", () => {
    expect(
      validateFaultRule({ method: "post", path: "/api/", times: 1, fault: "status=503" }),
    ).toEqual({
      method: "POST",
      path: "/api/",
      times: 1,
      fault: { status: 503 },
    });
    expect(validateFaultRule({ fault: { latencyMs: 10 } })).toEqual({ fault: { latencyMs: 10 } });
  });

  it("rejects bad rules", () => {
    for (const bad of [
      null,
      [],
      { fault: {} },
      { fault: { status: 200 } },
      { fault: { latency: 5 } },
      { times: 0, fault: "stall" },
      { path: "api", fault: "stall" },
      { fault: "stall", extra: 1 },
    ]) {
      expect(() => validateFaultRule(bad), JSON.stringify(bad)).toThrow();
    }
  });
});

describe("findFault", () => {
  const req = (method: string, url: string, headers: Record<string, string> = {}) =>
    ({ method, url, headers }) as unknown as Parameters<typeof findFault>[0];

  it("matches rules by method and path prefix and uses up `times`", () => {
    const rules: FaultRule[] = [
      { method: "GET", path: "/v1/files", fault: { status: 500 } },
      { method: "POST", path: "/api/v1/files/upload", times: 2, fault: { status: 503 } },
    ];
    expect(findFault(req("POST", "/v1/files"), rules)).toBeUndefined();
    expect(findFault(req("GET", "/v1/files/abc/details?x=1"), rules)).toEqual({ status: 500 });
    expect(findFault(req("POST", "/api/v1/files/upload"), rules)).toEqual({ status: 503 });
    expect(at(rules, 1).times).toBe(1);
    expect(findFault(req("POST", "/api/v1/files/upload"), rules)).toEqual({ status: 503 });
    expect(rules).toHaveLength(1);
    expect(findFault(req("POST", "/api/v1/files/upload"), rules)).toBeUndefined();
  });

  it("prefers the header (leaving the rules alone), and skips OPTIONS and /_emulator/", () => {
    const rules: FaultRule[] = [{ times: 1, fault: { status: 500 } }];
    expect(findFault(req("POST", "/x", { "x-emulator-fault": "latency=5" }), rules)).toEqual({
      latencyMs: 5,
    });
    expect(findFault(req("OPTIONS", "/x"), rules)).toBeUndefined();
    expect(findFault(req("DELETE", "/_emulator/faults"), rules)).toBeUndefined();
    expect(rules).toHaveLength(1);
    expect(findFault(req("GET", "/x"), rules)).toEqual({ status: 500 });
    expect(rules).toHaveLength(0);
  });

  it("throws a 400 ImageKitError for a malformed header", () => {
    expect(() => findFault(req("GET", "/x", { "x-emulator-fault": "status=200" }), [])).toThrow(
      ImageKitError,
    );
  });
});

describe("faults over real sockets", () => {
  it("status=503 answers { message, help } with that status, without running the handler", async () => {
    const { port, handled } = await faultyServer();
    const answer = await call(port, {
      headers: { "x-emulator-fault": "status=503" },
      body: bigBody(),
    });
    expect(answer.status).toBe(503);
    expect(answer.headers["content-type"]).toMatch(/application\/json/);
    expect(JSON.parse(answer.body)).toEqual({
      message: expect.any(String),
      help: expect.stringContaining("support@imagekit.io"),
    });
    expect(handled).toEqual([]);
  });

  it("status=429 carries X-RateLimit-Limit/Reset/Interval and Retry-After", async () => {
    const { port } = await faultyServer([], { limit: 10, intervalMs: 60_000 });
    const answer = await call(port, {
      method: "GET",
      path: "/v1/files",
      headers: { "x-emulator-fault": "status=429" },
    });
    expect(answer.status).toBe(429);
    expect(answer.headers["x-ratelimit-limit"]).toBe("10");
    expect(answer.headers["x-ratelimit-reset"]).toBe("60000");
    expect(answer.headers["x-ratelimit-interval"]).toBe("60000");
    expect(answer.headers["retry-after"]).toBe("60");
    expect(JSON.parse(answer.body)).toMatchObject({
      message: expect.any(String),
      help: expect.any(String),
    });
  });

  it("latency delays, then the request is handled", async () => {
    const { port, handled } = await faultyServer();
    const started = Date.now();
    const answer = await call(port, {
      headers: { "x-emulator-fault": "latency=300" },
      body: Buffer.from("hello"),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.status).toBe(200);
    expect(handled).toEqual([{ bytes: 5, stored: true }]);
  });

  it("latency then status", async () => {
    const { port } = await faultyServer();
    const started = Date.now();
    const answer = await call(port, { headers: { "x-emulator-fault": "latency=200;status=500" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(answer.status).toBe(500);
  });

  it("reset-after=N: the client sees a connection error, the handler saw at most N bytes and stored nothing", async () => {
    const { port, handled } = await faultyServer();
    const error = await call(port, {
      headers: { "x-emulator-fault": "reset-after=1024" },
      body: bigBody(),
    }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(error?.code).toMatch(/ECONNRESET|EPIPE/);
    await new Promise((r) => setTimeout(r, 50));
    expect(handled).toHaveLength(1);
    expect(at(handled, 0).stored).toBe(false);
    expect(at(handled, 0).bytes).toBeLessThanOrEqual(1024);
    expect(at(handled, 0).error).toBeDefined();
  });

  it("reset-after applies to an exactly-N-bytes body too, and reset-after=0 resets at once", async () => {
    const { port, handled } = await faultyServer();
    for (const [header, size] of [
      ["reset-after=100", 100],
      ["reset-after=0", 10],
    ] as const) {
      await expect(
        call(port, { headers: { "x-emulator-fault": header }, body: Buffer.alloc(size) }),
      ).rejects.toMatchObject({
        code: expect.stringMatching(/ECONNRESET|EPIPE/),
      });
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(handled.every((h) => !h.stored)).toBe(true);
  });

  it("reset-after larger than the body lets the request through", async () => {
    const { port, handled } = await faultyServer();
    const answer = await call(port, {
      headers: { "x-emulator-fault": "reset-after=1000000" },
      body: Buffer.alloc(1000),
    });
    expect(answer.status).toBe(200);
    expect(handled).toEqual([{ bytes: 1000, stored: true }]);
  });

  it("stall: never answers (client times out), and the stalled socket does not keep the server from closing", async () => {
    const { server, port, handled } = await faultyServer();
    const before = stalledSocketCount();
    await expect(
      call(port, { headers: { "x-emulator-fault": "stall" }, body: bigBody(), timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: "CLIENT_TIMEOUT" });
    expect(handled).toEqual([]);

    // A stalled request whose client stays: closing the server must not hang.
    const pending = call(port, {
      method: "GET",
      path: "/x",
      headers: { "x-emulator-fault": "stall" },
    }).catch((e) => e);
    while (stalledSocketCount() < before + 2) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // The first one too: its body was never read, so its client's leaving went unnoticed.
    expect(destroyStalledSockets(server)).toBe(2);
    await closed;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toMatchObject({ code: "ECONNRESET" });
  });

  it("stall: a stalled socket is let go when its client leaves (request fully received)", async () => {
    const { port } = await faultyServer();
    const before = stalledSocketCount();
    await expect(
      call(port, {
        method: "GET",
        path: "/x",
        headers: { "x-emulator-fault": "stall" },
        timeoutMs: 200,
      }),
    ).rejects.toMatchObject({
      code: "CLIENT_TIMEOUT",
    });
    const deadline = Date.now() + 2000;
    while (stalledSocketCount() !== before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    expect(stalledSocketCount()).toBe(before);
  });

  it("rules from options apply to the next matching requests, then stop", async () => {
    const rules: FaultRule[] = [
      { method: "POST", path: "/api/", times: 1, fault: { status: 502 } },
    ];
    const { port } = await faultyServer(rules);
    expect((await call(port, { method: "GET", path: "/api/x" })).status).toBe(200);
    expect((await call(port, { body: Buffer.from("x") })).status).toBe(502);
    expect((await call(port, { body: Buffer.from("x") })).status).toBe(200);
    expect(rules).toEqual([]);
  });

  it("a malformed header is answered 400", async () => {
    const { port } = await faultyServer();
    const answer = await call(port, { headers: { "x-emulator-fault": "boom" } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).message).toMatch(/x-emulator-fault/);
  });
});

describe("injectFault", () => {
  it("finds and applies in one call, answering 400 for a malformed header", async () => {
    const options = { faults: [] as FaultRule[], rateLimit: undefined };
    const server = createServer(async (req, res) => {
      if ((await injectFault(req, res, options)) === "handled") return;
      sendJson(res, 200, { ok: true });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    expect(
      (await call(port, { headers: { "x-emulator-fault": "status=429" } })).headers[
        "x-ratelimit-interval"
      ],
    ).toBe("1000");
    expect((await call(port, { headers: { "x-emulator-fault": "nope" } })).status).toBe(400);
    expect((await call(port)).status).toBe(200);
  });
});
