import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUploadHandler, defineProfile } from "../../src/index";
import { toNodeHandler } from "../../src/node";
import { startEmulator, type TestEmulator } from "../support/emulator";
import { type Answer, expectRefusal } from "./harness";

let emulator: TestEmulator;
const servers: Server[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await emulator.dispose();
});

/** A fresh handler (fresh counts) with two signs a minute, served over a real socket. */
async function serve(trustProxy: boolean): Promise<number> {
  const handler = createUploadHandler({
    imagekit: emulator.imagekit,
    trustProxy,
    profiles: { limited: defineProfile({ rateLimit: { limit: 2, windowMs: 60_000 } }) },
  });
  const server = createServer(toNodeHandler(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

const SIGN = JSON.stringify({
  files: [{ name: "a.bin", size: 1, type: "application/octet-stream" }],
});

/** A sign request from a chosen loopback address (127.0.0.x are all this machine on Linux). */
function sign(port: number, headers: Record<string, string>, from = "127.0.0.1"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        localAddress: from,
        method: "POST",
        path: "/api/upload/limited/sign",
        headers: { "content-type": "application/json", ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            if (typeof value === "string") responseHeaders.set(name, value);
          resolve({
            status: res.statusCode ?? 0,
            headers: responseHeaders,
            text,
            body: JSON.parse(text),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(SIGN);
  });
}

function expectLimited(answer: Answer) {
  expectRefusal(answer, 429, "rate-limited");
  expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
}

describe("without trustProxy, the client's own headers do not pick its rate-limit key", () => {
  it("a new X-Forwarded-For on every request: the third is 429 with Retry-After", async () => {
    const port = await serve(false);
    expect((await sign(port, { "x-forwarded-for": "203.0.113.1" })).status).toBe(200);
    expect((await sign(port, { "x-forwarded-for": "203.0.113.2" })).status).toBe(200);
    expectLimited(await sign(port, { "x-forwarded-for": "203.0.113.3" }));
  });

  it("a new X-Real-IP on every request: the third is 429", async () => {
    const port = await serve(false);
    expect((await sign(port, { "x-real-ip": "198.51.100.1" })).status).toBe(200);
    expect((await sign(port, { "x-real-ip": "198.51.100.2" })).status).toBe(200);
    expectLimited(await sign(port, { "x-real-ip": "198.51.100.3" }));
  });

  it("keys on the socket's address: another client is not held back", async () => {
    const port = await serve(false);
    await sign(port, {});
    await sign(port, {});
    expectLimited(await sign(port, {}));
    expect((await sign(port, {}, "127.0.0.2")).status).toBe(200);
  });
});

describe("with trustProxy, the address is the entry our own proxy appended", () => {
  it("whatever the client wrote before it: the third is 429", async () => {
    const port = await serve(true);
    const via = (claimed: string) => ({ "x-forwarded-for": `${claimed}, 192.0.2.10` });
    expect((await sign(port, via("203.0.113.1"))).status).toBe(200);
    expect((await sign(port, via("203.0.113.2"))).status).toBe(200);
    expectLimited(await sign(port, via("203.0.113.3")));
  });

  it("two clients behind the proxy are counted apart", async () => {
    const port = await serve(true);
    for (const client of ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
      expect((await sign(port, { "x-forwarded-for": client })).status).toBe(200);
    expect((await sign(port, { "x-forwarded-for": "192.0.2.1" })).status).toBe(200);
    expectLimited(await sign(port, { "x-forwarded-for": "192.0.2.1" }));
  });
});
