import { createHmac } from "node:crypto";
import ImageKit from "@imagekit/nodejs";
import LegacyImageKit from "imagekit";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signLegacyWebhook, signStandardWebhook } from "../../src/webhooks/sign-webhook";

const secret = "whsec_emulator_secret";
const body = JSON.stringify({
  id: "0b2b5a3e-5d0c-4a43-9a8c-3c1f3c1e0a11",
  type: "file.created",
  created_at: "2026-01-01T00:00:00.000Z",
  data: { fileId: "6673f88237b244ef54d60180", name: "café_ü.jpg" },
});
const now = () => Math.floor(Date.now() / 1000);

describe("signStandardWebhook", () => {
  it("produces the three Standard Webhooks headers", () => {
    const headers = signStandardWebhook({ id: "msg_1", timestamp: 1_700_000_000.9, body, secret });
    expect(headers["webhook-id"]).toBe("msg_1");
    expect(headers["webhook-timestamp"]).toBe("1700000000");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
  });

  it("matches an independent HMAC-SHA256 keyed with the secret's UTF-8 bytes", () => {
    const headers = signStandardWebhook({ id: "msg_1", timestamp: 1_700_000_000, body, secret });
    const expected = createHmac("sha256", secret)
      .update(`msg_1.1700000000.${body}`)
      .digest("base64");
    expect(headers["webhook-signature"]).toBe(`v1,${expected}`);
  });

  it("verifies with the standardwebhooks library (key = base64 of the secret, as the SDK passes it)", () => {
    const timestamp = now();
    const headers = signStandardWebhook({ id: "msg_2", timestamp, body, secret });
    const wh = new Webhook(Buffer.from(secret, "utf8").toString("base64"));
    expect(wh.verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(wh.sign("msg_2", new Date(timestamp * 1000), body)).toBe(headers["webhook-signature"]);
  });

  it("is accepted by the official SDK's webhooks.unwrap (@imagekit/nodejs 7.11.0)", () => {
    const client = new ImageKit({ privateKey: "private_x", webhookSecret: secret });
    const headers = signStandardWebhook({ id: "msg_3", timestamp: now(), body, secret });
    expect(client.webhooks.unwrap(body, { headers: { ...headers } })).toEqual(JSON.parse(body));
  });

  it("accepts a Buffer body with the same result as the string", () => {
    const timestamp = now();
    expect(signStandardWebhook({ id: "m", timestamp, body: Buffer.from(body), secret })).toEqual(
      signStandardWebhook({ id: "m", timestamp, body, secret }),
    );
  });

  it("is rejected by the SDK for a tampered body, another secret or a stale timestamp", () => {
    const client = new ImageKit({ privateKey: "private_x", webhookSecret: secret });
    const headers = { ...signStandardWebhook({ id: "msg_4", timestamp: now(), body, secret }) };
    expect(() =>
      client.webhooks.unwrap(body.replace("file.created", "file.deleted"), { headers }),
    ).toThrow();
    expect(() => client.webhooks.unwrap(body, { headers, key: "whsec_other" })).toThrow();
    const stale = {
      ...signStandardWebhook({ id: "msg_4", timestamp: now() - 3600, body, secret }),
    };
    expect(() => client.webhooks.unwrap(body, { headers: stale })).toThrow(/too old/);
  });
});

describe("signLegacyWebhook", () => {
  it("is t=<ms>,v1=<hex HMAC-SHA256 of '<t>.<body>'>", () => {
    const value = signLegacyWebhook({ timestampMs: 1_656_921_250_765, body, secret });
    const expected = createHmac("sha256", Buffer.from(secret, "utf8"))
      .update(Buffer.from(`1656921250765.${body}`, "utf8"))
      .digest("hex");
    expect(value).toBe(`t=1656921250765,v1=${expected}`);
  });

  it("is accepted by the legacy SDK's verifyWebhookEvent (imagekit 6.0.0)", () => {
    const legacy = new LegacyImageKit({
      publicKey: "public_x",
      privateKey: "private_x",
      urlEndpoint: "https://ik.imagekit.io/x",
    });
    const timestampMs = Date.now();
    const signature = signLegacyWebhook({ timestampMs, body, secret });
    expect(legacy.verifyWebhookEvent(body, signature, secret)).toEqual({
      timestamp: timestampMs,
      event: JSON.parse(body),
    });
    expect(() => legacy.verifyWebhookEvent(body, signature, "whsec_other")).toThrow(
      /Incorrect signature/,
    );
  });
});
