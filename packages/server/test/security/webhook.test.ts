import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedVictims } from "./flows";
import {
  expectNoKeyInAnswers,
  expectRefusal,
  startTarget,
  type Target,
  V2,
  WEBHOOK_SECRET,
} from "./harness";

/** A webhook as it arrived: the raw body and the signature headers. */
interface Delivery {
  body: string;
  headers: Record<string, string>;
}

let target: Target;
let receiver: Server;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  // The emulator's deliveries go to a recorder, so the suite can replay a genuine one at will.
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const name of ["content-type", "webhook-id", "webhook-timestamp", "webhook-signature"]) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    deliveries.push({ body: Buffer.concat(chunks).toString("utf8"), headers });
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  target = await startTarget({ webhookUrl: `http://127.0.0.1:${port}/webhook` });
  await seedVictims(target);
  await target.emulator.idle();
});
afterAll(async () => {
  await target.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const now = () => Math.floor(Date.now() / 1000);

/** Signs like ImageKit (Standard Webhooks): HMAC-SHA256 of `id.timestamp.body`, base64. */
function sign(
  body: string,
  { id = "msg_attack", timestamp = now(), secret = WEBHOOK_SECRET } = {},
) {
  const signature = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(`${id}.${timestamp}.${body}`)
    .digest("base64");
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": `v1,${signature}`,
  };
}

const event = (id = "evt_attack") =>
  JSON.stringify({
    id,
    type: "file.created",
    created_at: new Date().toISOString(),
    data: { fileId: "0123456789abcdef01234567" },
  });

const deliver = (body: string, headers: Record<string, string>) =>
  target.send(`${V2}/webhook`, { method: "POST", body, headers });

function genuine(): Delivery {
  const found = deliveries.find((d) => JSON.parse(d.body).type === "file.created");
  if (!found) throw new Error(`no file.created among ${deliveries.length} deliveries`);
  return found;
}

describe("a genuine webhook runs once", () => {
  it("delivered, then replayed exactly inside the tolerance: acknowledged, onWebhook ran once", async () => {
    const { body, headers } = genuine();
    const id = JSON.parse(body).id as string;
    const runs = () => target.webhooks.filter((e) => e.id === id).length;
    const first = await deliver(body, headers);
    expect(first.status, first.text).toBe(200);
    expect(runs()).toBe(1);
    for (let replay = 0; replay < 2; replay++) {
      const again = await deliver(body, headers);
      // Acknowledged, so ImageKit stops retrying; not run again.
      expect(again.status, again.text).toBeGreaterThanOrEqual(200);
      expect(again.status).toBeLessThan(300);
    }
    expect(runs()).toBe(1);
  });
});

interface Case {
  name: string;
  request: () => { body: string; headers: Record<string, string> };
  status: number;
  code: string;
}

const forged: Case[] = [
  {
    name: "a signature that is not one",
    request: () => ({
      body: event(),
      headers: { ...sign(event()), "webhook-signature": "v1,Zm9yZ2Vk" },
    }),
    status: 401,
    code: "unauthorized",
  },
  {
    name: "an empty signature",
    request: () => ({ body: event(), headers: { ...sign(event()), "webhook-signature": "v1," } }),
    status: 401,
    code: "unauthorized",
  },
  {
    name: "signed with another secret",
    request: () => ({ body: event(), headers: sign(event(), { secret: "whsec_not_ours" }) }),
    status: 401,
    code: "unauthorized",
  },
  {
    name: "the body changed after signing",
    request: () => ({ body: event("evt_changed"), headers: sign(event()) }),
    status: 401,
    code: "unauthorized",
  },
  {
    name: "a genuine delivery under a new webhook-id",
    request: () => ({
      body: genuine().body,
      headers: { ...genuine().headers, "webhook-id": "msg_fresh" },
    }),
    status: 401,
    code: "unauthorized",
  },
  // One second earlier: still fresh, but not the timestamp that was signed.
  {
    name: "a genuine signature with another timestamp",
    request: () => ({
      body: genuine().body,
      headers: {
        ...genuine().headers,
        "webhook-timestamp": String(Number(genuine().headers["webhook-timestamp"]) - 1),
      },
    }),
    status: 401,
    code: "unauthorized",
  },
  {
    name: "a stale timestamp, correctly signed",
    request: () => ({ body: event(), headers: sign(event(), { timestamp: now() - 600 }) }),
    status: 401,
    code: "unauthorized",
  },
  {
    name: "a timestamp far ahead, correctly signed",
    request: () => ({ body: event(), headers: sign(event(), { timestamp: now() + 600 }) }),
    status: 401,
    code: "unauthorized",
  },
  {
    name: "no signature headers at all",
    request: () => ({ body: event(), headers: { "content-type": "application/json" } }),
    status: 401,
    code: "unauthorized",
  },
  {
    name: "a legacy signature that does not match",
    request: () => ({
      body: event(),
      headers: { "x-ik-signature": `t=${Date.now()},v1=${"ab".repeat(32)}` },
    }),
    status: 401,
    code: "unauthorized",
  },
];

const malformed: Case[] = [
  {
    name: "no webhook-id",
    request: () => {
      const { "webhook-id": _, ...headers } = sign(event());
      return { body: event(), headers };
    },
    status: 400,
    code: "bad-request",
  },
  {
    name: "no webhook-timestamp",
    request: () => {
      const { "webhook-timestamp": _, ...headers } = sign(event());
      return { body: event(), headers };
    },
    status: 400,
    code: "bad-request",
  },
  {
    name: "a timestamp that is not a number",
    request: () => ({
      body: event(),
      headers: { ...sign(event()), "webhook-timestamp": "yesterday" },
    }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a legacy header without its signature",
    request: () => ({ body: event(), headers: { "x-ik-signature": `t=${Date.now()}` } }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a correctly signed body that is not JSON",
    request: () => ({ body: "{not json", headers: sign("{not json") }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a correctly signed JSON that is no event",
    request: () => ({ body: "[1,2,3]", headers: sign("[1,2,3]") }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a correctly signed empty body",
    request: () => ({ body: "", headers: sign("") }),
    status: 400,
    code: "bad-request",
  },
];

describe("a forged or replayed-with-changes webhook is refused, onWebhook not run", () => {
  for (const c of forged) {
    it(c.name, async () => {
      const mark = await target.mark();
      const ran = target.webhooks.length;
      const { body, headers } = c.request();
      expectRefusal(await deliver(body, headers), c.status, c.code);
      expect(target.webhooks.length).toBe(ran);
      await target.expectClean(mark);
    });
  }
});

describe("a malformed webhook is refused, onWebhook not run", () => {
  for (const c of malformed) {
    it(c.name, async () => {
      const mark = await target.mark();
      const ran = target.webhooks.length;
      const { body, headers } = c.request();
      expectRefusal(await deliver(body, headers), c.status, c.code);
      expect(target.webhooks.length).toBe(ran);
      await target.expectClean(mark);
    });
  }
});

it("no answer carried the private key", () => expectNoKeyInAnswers(target));
