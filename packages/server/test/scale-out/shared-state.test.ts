import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directUpload } from "../support/call";
import { PNG_1X1 } from "../support/emulator";
import { type Answer, type Instance, type ScaleOutKit, startScaleOut } from "./scale-out-kit";

/**
 * What the handler remembers, shared through Redis by two instances in separate processes:
 * webhook deliveries and post-transformation progress, the rate limit's count, and completion
 * records. Each case acts on A and checks on B (or both at once).
 */
const RATE_LIMIT = { limit: 5, windowMs: 60 * 60 * 1000 };
const STEP = "thumbnail:w-40,h-40";

let kit: ScaleOutKit;

beforeAll(async () => {
  kit = await startScaleOut({ rateLimit: RATE_LIMIT });
}, 30_000);
afterAll(async () => {
  await kit?.close();
});

const png = () => new Blob([new Uint8Array(PNG_1X1)], { type: "image/png" });

/** `sign` on `instance` for one PNG of the gallery profile. */
async function sign(instance: Instance, user = "ada") {
  const signed = await kit.send(instance, "/api/upload/gallery/sign", {
    user,
    json: { files: [{ name: "pixel.png", size: PNG_1X1.length, type: "image/png" }] },
  });
  expect(signed.status, signed.text).toBe(200);
  return signed.body.files[0] as {
    uploadUrl: string;
    fields: Record<string, string>;
    completionToken: string;
  };
}

/** Signs on `instance` and uploads straight to ImageKit (the emulator), as the browser does. */
async function signAndUpload(instance: Instance, user = "ada") {
  const signed = await sign(instance, user);
  const uploaded = await directUpload(signed, png(), "pixel.png");
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
  return { token: signed.completionToken, fileId: uploaded.body.fileId as string };
}

const complete = (instance: Instance, fileId: string, completionToken: string, user = "ada") =>
  kit.send(instance, "/api/upload/gallery/complete", { user, json: { fileId, completionToken } });

const completions = (fileId: string) =>
  kit.events("complete").filter((event) => event.fileId === fileId);

describe("webhooks", () => {
  it("a post-transformation webhook delivered to A shows in B's status; replayed to B it is a duplicate", async () => {
    const { token, fileId } = await signAndUpload(kit.a);
    const done = await complete(kit.a, fileId, token);
    expect(done.status, done.text).toBe(200);
    expect(done.body.processing).toEqual({ pending: [STEP], done: [], failed: [] });

    // The emulator's webhooks went to a recorder; B has not heard of any yet.
    await kit.emulator.idle();
    const delivery = kit.deliveries.find(
      (d) => d.event.type === "upload.post-transform.success" && d.event.data?.fileId === fileId,
    );
    if (!delivery) throw new Error(`no post-transform webhook among ${kit.deliveries.length}`);
    const status = (instance: Instance) =>
      kit.send(instance, `/api/upload/gallery/status?fileId=${fileId}`);
    expect((await status(kit.b)).body).toEqual({ pending: [STEP], done: [], failed: [] });

    const deliver = (instance: Instance) =>
      kit.send(instance, "/api/upload/webhook", {
        method: "POST",
        body: delivery.body,
        headers: delivery.headers,
        user: null,
      });
    const first = await deliver(kit.a);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({ received: true });
    const b = await status(kit.b);
    expect(b.status, b.text).toBe(200);
    expect(b.body).toEqual({ pending: [], done: [STEP], failed: [] });

    // ImageKit retrying on another instance, after A acknowledged: not run again.
    const replay = await deliver(kit.b);
    expect(replay.status, replay.text).toBe(200);
    expect(replay.body).toEqual({ received: true, duplicate: true });
    const runs = kit.events("webhook").filter((event) => event.id === delivery.event.id);
    expect(runs.map((run) => run.instance)).toEqual(["A"]);
    // And again on A: still once.
    expect((await deliver(kit.a)).body).toEqual({ received: true, duplicate: true });
    expect(kit.events("webhook").filter((event) => event.id === delivery.event.id)).toHaveLength(1);
  });
});

describe("rate limit", () => {
  it("counts requests on A and B together: the limit's worth pass, the next on either is 429", async () => {
    // A fixed window: never start a count right before it turns over.
    const left = RATE_LIMIT.windowMs - (Date.now() % RATE_LIMIT.windowMs);
    if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
    const signLimited = (instance: Instance) =>
      kit.send(instance, "/api/upload/limited/sign", {
        json: { files: [{ name: "a.txt", size: 10, type: "text/plain" }] },
      });
    const passed: Answer[] = [];
    for (let i = 0; i < RATE_LIMIT.limit; i++) {
      passed.push(await signLimited(i % 2 === 0 ? kit.a : kit.b));
    }
    expect(passed.map((answer) => answer.status)).toEqual(Array(RATE_LIMIT.limit).fill(200));
    for (const instance of [kit.b, kit.a]) {
      const over = await signLimited(instance);
      expect(over.status, `${instance.name}: ${over.text}`).toBe(429);
      expect(over.body.error.code).toBe("rate-limited");
      expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });
});

describe("completion tokens", () => {
  it("completed on A: the same completion on B answers the same, without running onUploadComplete again", async () => {
    const { token, fileId } = await signAndUpload(kit.a);
    const onA = await complete(kit.a, fileId, token);
    expect(onA.status, onA.text).toBe(200);
    expect(onA.body.file.fileId).toBe(fileId);
    expect(onA.body.data).toEqual({ owner: "ada", completedBy: "A" });

    const onB = await complete(kit.b, fileId, token);
    expect(onB.status, onB.text).toBe(200);
    // The record A kept: the same answer, `completedBy` included.
    expect(onB.body).toEqual(onA.body);
    expect(completions(fileId).map((run) => run.instance)).toEqual(["A"]);
  });

  it("completed on A: the token with another file is a 409 on B, and that file stays its own upload's", async () => {
    const first = await signAndUpload(kit.a);
    const other = await signAndUpload(kit.a);
    expect((await complete(kit.a, first.fileId, first.token)).status).toBe(200);

    const reused = await complete(kit.b, other.fileId, first.token);
    expect(reused.status, reused.text).toBe(409);
    expect(reused.body.error.code).toBe("conflict");
    expect(reused.body.error.message).toMatch(/already completed with another file/);
    expect(completions(other.fileId)).toEqual([]);
    // The other file completes with its own token, on either instance.
    const own = await complete(kit.b, other.fileId, other.token);
    expect(own.status, own.text).toBe(200);
    expect(completions(other.fileId).map((run) => run.instance)).toEqual(["B"]);
  });

  it("the same completion on A and B at once runs onUploadComplete once", async () => {
    const { token, fileId } = await signAndUpload(kit.b);
    const answers = await Promise.all([
      complete(kit.a, fileId, token),
      complete(kit.b, fileId, token),
    ]);
    // The loser either finds the answer or is told the completion is under way (409, retry).
    expect(answers.some((answer) => answer.status === 200)).toBe(true);
    for (const answer of answers) {
      expect([200, 409], answer.text).toContain(answer.status);
      if (answer.status === 409) {
        expect(answer.body.error.code).toBe("conflict");
        expect(answer.headers.get("retry-after")).toBe("1");
      }
    }
    expect(completions(fileId)).toHaveLength(1);
    const settled = await complete(kit.a, fileId, token);
    expect(settled.status).toBe(200);
    expect(settled.body.file.fileId).toBe(fileId);
    expect(completions(fileId)).toHaveLength(1);
  });
});

it("no instance reported an unexpected error", () => {
  expect(kit.events("error")).toEqual([]);
  expect(kit.events("state-error")).toEqual([]);
});
