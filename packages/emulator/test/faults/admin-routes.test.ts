import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorContext } from "../../src/context";
import { adminRoutes } from "../../src/http/admin-routes";
import { findFault } from "../../src/http/faults";
import { ImageKitError } from "../../src/http/imagekit-error";
import { sendJson } from "../../src/http/respond";
import { createRouter } from "../../src/http/router";
import { Jobs } from "../../src/jobs";
import { resolveOptions } from "../../src/options";
import { WebhookSender } from "../../src/webhooks/webhook-sender";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function adminServer() {
  const options = resolveOptions({ faults: [{ path: "/v1/", fault: { latencyMs: 1 } }] }, {});
  const jobs = new Jobs();
  const webhooks = new WebhookSender(options, jobs, undefined, { delaysMs: [], timeoutMs: 1000 });
  const ctx = { options, webhooks, jobs } as unknown as EmulatorContext;
  const router = createRouter(adminRoutes);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://emulator");
    const match = router.match(req.method ?? "GET", url.pathname);
    try {
      if (match === undefined || match === "method") throw new ImageKitError(404, "nope");
      await match.handler(req, res, ctx, match.params, url);
    } catch (error) {
      req.resume();
      if (error instanceof ImageKitError) sendJson(res, error.status, error.toJSON());
      else sendJson(res, 500, { message: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    await jobs.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; json: unknown }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method,
          path,
          agent: false,
          headers: { "content-type": "application/json" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
          });
        },
      );
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  return { call, options, webhooks, jobs };
}

describe("/_emulator admin routes", () => {
  it("GET /_emulator/health", async () => {
    const { call } = await adminServer();
    expect(await call("GET", "/_emulator/health")).toEqual({ status: 200, json: { ok: true } });
  });

  it("adds, lists and clears fault rules, which then apply to requests", async () => {
    const { call, options } = await adminServer();
    expect((await call("GET", "/_emulator/faults")).json).toEqual([
      { path: "/v1/", fault: { latencyMs: 1 } },
    ]);
    expect(await call("DELETE", "/_emulator/faults")).toEqual({ status: 204, json: undefined });
    expect((await call("GET", "/_emulator/faults")).json).toEqual([]);

    const added = await call("POST", "/_emulator/faults", {
      method: "post",
      path: "/api/v1/files/upload",
      times: 1,
      fault: "status=503",
    });
    expect(added).toEqual({
      status: 201,
      json: { method: "POST", path: "/api/v1/files/upload", times: 1, fault: { status: 503 } },
    });
    await call("POST", "/_emulator/faults", { fault: { resetAfterBytes: 10 } });
    expect((await call("GET", "/_emulator/faults")).json).toHaveLength(2);

    // The next upload gets the 503, the rule is used up.
    const upload = {
      method: "POST",
      url: "/api/v1/files/upload",
      headers: {},
    } as unknown as Parameters<typeof findFault>[0];
    expect(findFault(upload, options.faults)).toEqual({ status: 503 });
    expect(findFault(upload, options.faults)).toEqual({ resetAfterBytes: 10 });
    expect((await call("GET", "/_emulator/faults")).json).toEqual([
      { fault: { resetAfterBytes: 10 } },
    ]);
  });

  it("rejects an invalid rule with 400", async () => {
    const { call, options } = await adminServer();
    const before = options.faults.length;
    for (const bad of [
      { fault: { status: 404 } },
      { fault: "explode" },
      { times: -1, fault: "stall" },
      [1],
    ]) {
      const answer = await call("POST", "/_emulator/faults", bad);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({
        message: expect.stringMatching(/^Invalid fault rule: /),
        help: expect.any(String),
      });
    }
    expect(options.faults).toHaveLength(before);
  });

  it("lists and clears webhook deliveries", async () => {
    const { call, webhooks, jobs } = await adminServer();
    webhooks.send("http://127.0.0.1:1/unreachable", { hello: "world" });
    await jobs.idle();
    const list = await call("GET", "/_emulator/webhooks");
    expect(list.status).toBe(200);
    expect(list.json).toEqual([
      expect.objectContaining({
        url: "http://127.0.0.1:1/unreachable",
        status: "failed",
        attempts: 1,
        payload: { hello: "world" },
      }),
    ]);
    expect((await call("DELETE", "/_emulator/webhooks")).status).toBe(204);
    expect((await call("GET", "/_emulator/webhooks")).json).toEqual([]);
  });
});
