import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import ImageKit from "@imagekit/nodejs";
import LegacyImageKit from "imagekit";
import { afterEach, describe, expect, it } from "vitest";
import { Jobs } from "../../src/jobs";
import { type EmulatorOptions, resolveOptions } from "../../src/options";
import {
  DEFAULT_WEBHOOK_RETRY,
  MAX_LOGGED_DELIVERIES,
  type WebhookRetryPolicy,
  WebhookSender,
} from "../../src/webhooks/webhook-sender";

const secret = "whsec_test_secret";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real receiver on 127.0.0.1:0; answers with the queued statuses, then 200 (or never, with "hang"). */
async function receiver(statuses: Array<number | "hang"> = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const status = statuses.shift() ?? 200;
      if (status === "hang") return;
      res.writeHead(status, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The i-th element, which must be there. */
function at<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`no element ${i} (length ${list.length})`);
  return item;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(
  options: EmulatorOptions,
  retry: WebhookRetryPolicy = { delaysMs: [20, 40], timeoutMs: 2000 },
) {
  const resolved = resolveOptions({ webhookSecret: secret, ...options }, {});
  const jobs = new Jobs();
  const lines: string[] = [];
  const sender = new WebhookSender(resolved, jobs, (line) => lines.push(line), retry);
  cleanups.push(async () => {
    sender.close();
    await jobs.close();
  });
  return { sender, jobs, lines, options: resolved };
}

describe("WebhookSender.sendEvent", () => {
  it("posts a signed envelope in the background that the official SDK unwraps", async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { sender, jobs } = setup({ webhookUrl: hook.url });
    const data = { fileId: "6673f88237b244ef54d60180", name: "a.jpg" };
    sender.sendEvent("upload.pre-transform.success", data, {
      x_request_id: "req-1",
      transformation: "w-100",
    });
    expect(hook.received).toHaveLength(0); // not sent synchronously
    await jobs.idle();

    expect(hook.received).toHaveLength(1);
    const { headers, body } = at(hook.received, 0);
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["user-agent"]).toBe("ImageKit-Webhook/emulator");
    expect(headers["x-ik-signature"]).toBeUndefined();

    const client = new ImageKit({ privateKey: "private_x", webhookSecret: secret });
    const event = client.webhooks.unwrap(body, {
      headers: headers as Record<string, string>,
    }) as unknown as Record<string, unknown>;
    expect(event).toEqual({
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      type: "upload.pre-transform.success",
      created_at: expect.any(String),
      data,
      request: { x_request_id: "req-1", transformation: "w-100" },
    });
    expect(new Date(event.created_at as string).toISOString()).toBe(event.created_at);
    expect(headers["webhook-id"]).toBe(event.id);
    expect(Math.abs(Number(headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(5);

    expect(sender.delivered).toEqual([
      expect.objectContaining({
        id: event.id,
        type: "upload.pre-transform.success",
        url: hook.url,
        status: "delivered",
        attempts: 1,
        statusCode: 200,
      }),
    ]);
  });

  it("leaves `request` out when not given", async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { sender, jobs } = setup({ webhookUrl: hook.url });
    sender.sendEvent("file.deleted", { fileId: "abc" });
    await jobs.idle();
    expect(Object.keys(JSON.parse(at(hook.received, 0).body))).toEqual([
      "id",
      "type",
      "created_at",
      "data",
    ]);
  });

  it("does nothing when the account has no webhook endpoint", async () => {
    const { sender, jobs } = setup({});
    sender.sendEvent("file.created", {});
    await jobs.idle();
    expect(sender.delivered).toEqual([]);
  });

  it("signs with the legacy x-ik-signature when asked to", async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { sender, jobs } = setup({ webhookUrl: hook.url, legacyWebhookSignature: true });
    sender.sendEvent("file.created", { fileId: "abc" });
    await jobs.idle();
    const { headers, body } = at(hook.received, 0);
    expect(headers["webhook-signature"]).toBeUndefined();
    expect(headers["x-ik-signature"]).toMatch(/^t=\d{13},v1=[0-9a-f]{64}$/);
    const legacy = new LegacyImageKit({
      publicKey: "public_x",
      privateKey: "private_x",
      urlEndpoint: "https://ik.imagekit.io/x",
    });
    const { timestamp, event } = legacy.verifyWebhookEvent(
      body,
      headers["x-ik-signature"] as string,
      secret,
    );
    expect(Math.abs(timestamp - Date.now())).toBeLessThan(5000);
    expect(event).toMatchObject({ type: "file.created", data: { fileId: "abc" } });
  });
});

describe("WebhookSender.send", () => {
  it("posts the payload as-is, signed, to the given URL", async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const { sender, jobs } = setup({});
    const payload = { service: "remove-bg", status: "SUCCESS", fileObject: { fileId: "abc" } };
    sender.send(hook.url, payload);
    await jobs.idle();
    const { headers, body } = at(hook.received, 0);
    expect(JSON.parse(body)).toEqual(payload);
    const client = new ImageKit({ privateKey: "private_x", webhookSecret: secret });
    expect(client.webhooks.unwrap(body, { headers: headers as Record<string, string> })).toEqual(
      payload,
    );
    expect(sender.delivered[0]).toMatchObject({
      type: undefined,
      url: hook.url,
      status: "delivered",
      payload,
    });
  });
});

describe("retries", () => {
  it("retries after a 500, keeping the webhook-id and re-signing", async () => {
    const hook = await receiver([500]);
    cleanups.push(hook.close);
    const { sender, jobs, lines } = setup({ webhookUrl: hook.url });
    sender.sendEvent("file.created", { fileId: "abc" });
    await jobs.idle();
    expect(hook.received).toHaveLength(2);
    expect(at(hook.received, 1).body).toBe(at(hook.received, 0).body);
    expect(at(hook.received, 1).headers["webhook-id"]).toBe(
      at(hook.received, 0).headers["webhook-id"],
    );
    expect(sender.delivered[0]).toMatchObject({
      status: "delivered",
      attempts: 2,
      statusCode: 200,
    });
    expect(at(sender.delivered, 0).error).toBeUndefined();
    expect(lines).toEqual([
      expect.stringContaining("HTTP 500 (attempt 1/3)"),
      expect.stringContaining("200 (attempt 2/3)"),
    ]);
  });

  it("gives up after the bounded number of attempts", async () => {
    const hook = await receiver([500, 503, 502, 500, 500]);
    cleanups.push(hook.close);
    const { sender, jobs } = setup({ webhookUrl: hook.url });
    sender.sendEvent("file.created", { fileId: "abc" });
    await jobs.idle();
    expect(hook.received).toHaveLength(3);
    expect(sender.delivered[0]).toMatchObject({
      status: "failed",
      attempts: 3,
      statusCode: 502,
      error: "HTTP 502",
    });
  });

  it("retries network errors", async () => {
    const hook = await receiver();
    await hook.close(); // nothing listens on that port any more
    const { sender, jobs } = setup({ webhookUrl: hook.url });
    sender.sendEvent("file.created", {});
    await jobs.idle();
    expect(sender.delivered[0]).toMatchObject({
      status: "failed",
      attempts: 3,
      error: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("cuts an attempt off after the timeout", async () => {
    const hook = await receiver(["hang", "hang"]);
    cleanups.push(hook.close);
    const { sender, jobs } = setup({ webhookUrl: hook.url }, { delaysMs: [10], timeoutMs: 150 });
    const started = Date.now();
    sender.sendEvent("file.created", {});
    await jobs.idle();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(sender.delivered[0]).toMatchObject({
      status: "failed",
      attempts: 2,
      error: "No response within 150 ms.",
    });
  });

  it("by default: 4 attempts at most, 0.5 s / 1 s / 2 s apart, 10 s per attempt", () => {
    expect(DEFAULT_WEBHOOK_RETRY).toEqual({ delaysMs: [500, 1000, 2000], timeoutMs: 10_000 });
  });

  it("close() aborts an attempt under way and drops the retries", async () => {
    const hook = await receiver(["hang"]);
    cleanups.push(hook.close);
    const { sender, jobs } = setup(
      { webhookUrl: hook.url },
      { delaysMs: [10, 10], timeoutMs: 60_000 },
    );
    sender.sendEvent("file.created", {});
    while (hook.received.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    sender.close();
    await jobs.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(hook.received).toHaveLength(1);
    expect(sender.delivered[0]).toMatchObject({ status: "failed", attempts: 1 });
  });
});

describe("delivery log", () => {
  it("keeps the latest deliveries only, and can be cleared", async () => {
    const { sender, jobs } = setup({});
    for (let i = 0; i < MAX_LOGGED_DELIVERIES + 5; i++) sender.send(`not a url ${i}`, { i });
    await jobs.idle();
    const log = sender.delivered;
    expect(log).toHaveLength(MAX_LOGGED_DELIVERIES);
    expect(log[0]).toMatchObject({
      url: "not a url 5",
      status: "failed",
      attempts: 0,
      error: "Invalid webhook URL: not a url 5",
    });
    at(log, 0).status = "delivered"; // a copy
    expect(at(sender.delivered, 0).status).toBe("failed");
    sender.clearLog();
    expect(sender.delivered).toEqual([]);
  });
});
