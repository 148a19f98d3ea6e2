import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Signed, seedVictims, signPng } from "./flows";
import { expectNoKeyInAnswers, PNG, startTarget, type Target, V1, V2 } from "./harness";

let target: Target;

beforeAll(async () => {
  target = await startTarget();
  await seedVictims(target);
});
afterAll(() => target.close());

const MISMATCH =
  "Your request contains invalid payload. It does not match with the payload used to generate token.";

/** Posts fields and a PNG to ImageKit (the emulator) as a browser would, exactly as given. */
async function post(uploadUrl: string, fields: Record<string, string>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "pixel.png");
  const response = await fetch(uploadUrl, { method: "POST", body: form });
  const text = await response.text();
  target.answers.push({ what: `POST ${uploadUrl}`, status: response.status, headers: "", text });
  return { status: response.status, body: JSON.parse(text) as { message?: string } };
}

interface Case {
  name: string;
  scheme: "v1" | "v2";
  /** The fields as the attacker sends them, from the ones the server signed. */
  change: (fields: Record<string, string>, signed: Signed) => Record<string, string>;
  message: string | RegExp;
  status?: number;
}

const v2: Case[] = [
  {
    name: "another folder",
    scheme: "v2",
    change: (f) => ({ ...f, folder: "/users/victim/" }),
    message: MISMATCH,
  },
  {
    name: "another file name",
    scheme: "v2",
    change: (f) => ({ ...f, fileName: "index.html" }),
    message: MISMATCH,
  },
  {
    name: "other tags",
    scheme: "v2",
    change: (f) => ({ ...f, tags: "avatar,victim" }),
    message: MISMATCH,
  },
  {
    name: "useUniqueFileName flipped",
    scheme: "v2",
    change: (f) => ({
      ...f,
      useUniqueFileName: f.useUniqueFileName === "false" ? "true" : "false",
    }),
    message: MISMATCH,
  },
  {
    name: "overwriteFile flipped",
    scheme: "v2",
    change: (f) => ({ ...f, overwriteFile: f.overwriteFile === "false" ? "true" : "false" }),
    message: MISMATCH,
  },
  {
    name: "the size check dropped",
    scheme: "v2",
    change: ({ checks: _, ...f }) => f,
    message: MISMATCH,
  },
  {
    name: "a field added (isPrivateFile)",
    scheme: "v2",
    change: (f) => ({ ...f, isPrivateFile: "true" }),
    message: MISMATCH,
  },
  {
    name: "the token's payload edited",
    scheme: "v2",
    change: (f) => ({
      ...f,
      token: editPayload(f.token ?? "", { folder: "/users/victim/" }),
      folder: "/users/victim/",
    }),
    message: "Your request has invalid token.",
  },
  {
    name: "no token",
    scheme: "v2",
    change: ({ token: _, ...f }) => f,
    message: "Your request is missing token parameter.",
    status: 400,
  },
];

const v1: Case[] = [
  {
    name: "a tampered signature",
    scheme: "v1",
    change: (f) => ({ ...f, signature: flip(f.signature ?? "") }),
    message: "Your request contains invalid signature parameter.",
  },
  {
    name: "a later expire",
    scheme: "v1",
    change: (f) => ({ ...f, expire: String(Number(f.expire) + 60) }),
    message: "Your request contains invalid signature parameter.",
  },
  {
    name: "another token",
    scheme: "v1",
    change: (f) => ({ ...f, token: crypto.randomUUID() }),
    message: "Your request contains invalid signature parameter.",
  },
  {
    name: "another public key",
    scheme: "v1",
    change: (f) => ({ ...f, publicKey: "public_someone_else" }),
    message: "Your account cannot be authenticated.",
    status: 403,
  },
];

/** A JWT whose claims were edited, header and signature kept. */
function editPayload(token: string, claims: Record<string, string>): string {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const edited = { ...JSON.parse(Buffer.from(payload, "base64url").toString()), ...claims };
  return `${header}.${Buffer.from(JSON.stringify(edited)).toString("base64url")}.${signature}`;
}

const flip = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}`;

describe("ImageKit refuses a direct upload whose fields differ from the signed ones", () => {
  for (const c of [...v2, ...v1]) {
    it(`${c.scheme}: ${c.name}`, async () => {
      const signed = await signPng(target, "avatar", "mallory", c.scheme === "v2" ? V2 : V1);
      const mark = await target.mark();
      const answer = await post(signed.uploadUrl, c.change(signed.fields, signed));
      expect(answer.status).toBe(c.status ?? 400);
      expect(answer.body.message).toEqual(c.message);
      await target.expectClean(mark);
    });
  }
});

describe("a signature uploads once, and not after it expires", () => {
  for (const scheme of ["v2", "v1"] as const) {
    it(`${scheme}: replayed`, async () => {
      const signed = await signPng(target, "avatar", "mallory", scheme === "v2" ? V2 : V1);
      expect((await post(signed.uploadUrl, signed.fields)).status).toBe(200);
      const mark = await target.mark();
      const replay = await post(signed.uploadUrl, signed.fields);
      expect(replay.status).toBe(400);
      expect(replay.body.message).toMatch(/has been used before/);
      await target.expectClean(mark);
    });

    it(`${scheme}: expired`, async () => {
      const signed = await signPng(target, "avatar", "mallory", scheme === "v2" ? V2 : V1);
      const mark = await target.mark();
      // The emulator runs in this process: moving the clock past `expiresAt` expires the token.
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        vi.setSystemTime(signed.expiresAt + 60_000);
        const answer = await post(signed.uploadUrl, signed.fields);
        expect(answer.status).toBe(400);
        expect(answer.body.message).toMatch(
          scheme === "v2" ? /^Your request contains expired token\.$/ : /invalid expire parameter/,
        );
      } finally {
        vi.useRealTimers();
      }
      await target.expectClean(mark);
    });
  }

  it("v2 fields sent to the v1 endpoint", async () => {
    const signed = await signPng(target, "avatar", "mallory");
    const mark = await target.mark();
    const answer = await post(signed.uploadUrl.replace("/api/v2/", "/api/v1/"), signed.fields);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body.message).toEqual(expect.any(String));
    await target.expectClean(mark);
  });
});

it("no answer carried the private key", () => expectNoKeyInAnswers(target));
