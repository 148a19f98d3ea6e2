import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { complete, type Signed, seedVictims, signPng, type Upload, uploadSigned } from "./flows";
import {
  expectNoKeyInAnswers,
  expectRefusal,
  NO_SUCH_FILE_ID,
  type SendInit,
  startTarget,
  type Target,
  V1,
  V2,
} from "./harness";

let target: Target;
let victims: { avatar: Upload; gallery: Upload };
/** Mallory signed an avatar upload of her own and never uploaded it. */
let mallory: Signed;
let malloryGallery: Signed;

beforeAll(async () => {
  target = await startTarget();
  victims = await seedVictims(target);
  mallory = await signPng(target, "avatar", "mallory");
  malloryGallery = await signPng(target, "gallery", "mallory");
});
afterAll(() => target.close());

/** A JWT with one part replaced: the payload edited, the header and signature kept. */
interface Claims {
  upkit: { binding: Record<string, string>; fields: Record<string, string> };
}

function withPayload(token: string, edit: (claims: Claims) => void): string {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  edit(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
}

function claimsOf(token: string) {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}

/** Sends whatever `complete` body a case builds, as mallory, on the avatar profile unless said. */
async function attempt(
  body: unknown,
  { profile = "avatar", base = V2, init = {} as SendInit } = {},
) {
  return target.send(`${base}/${profile}/complete`, { user: "mallory", json: body, ...init });
}

/**
 * Runs a case and checks what must hold after any refused completion: the refusal itself, nothing
 * stored or deleted, `onUploadComplete` not run, and the victims' files still there.
 */
async function refused(send: () => ReturnType<typeof attempt>, status: number, code: string) {
  const mark = await target.mark();
  const answer = await send();
  expectRefusal(answer, status, code);
  await target.expectClean(mark);
  for (const victim of Object.values(victims)) {
    expect((await target.emulator.api(`/v1/files/${victim.fileId}/details`)).status).toBe(200);
  }
  return answer;
}

interface Case {
  name: string;
  body: () => unknown;
  status: number;
  code: string;
  profile?: string;
  init?: SendInit;
}

const token = () => mallory.completionToken;

const malformed: Case[] = [
  {
    name: "a fileId that exists nowhere",
    body: () => ({ fileId: NO_SUCH_FILE_ID, completionToken: token() }),
    status: 404,
    code: "not-found",
  },
  {
    name: "a traversal fileId",
    body: () => ({ fileId: "../x", completionToken: token() }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "an encoded traversal fileId",
    body: () => ({ fileId: "..%2F..%2Fx", completionToken: token() }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a 200-character fileId",
    body: () => ({ fileId: "a".repeat(200), completionToken: token() }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "control characters in the fileId",
    body: () => ({ fileId: "abc\u0000\r\ndef", completionToken: token() }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "an empty fileId",
    body: () => ({ fileId: "", completionToken: token() }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a numeric fileId",
    body: () => ({ fileId: 12345, completionToken: token() }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "an object as fileId",
    body: () => ({ fileId: { $ne: null }, completionToken: token() }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "no completion token",
    body: () => ({ fileId: victims.avatar.fileId }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "an empty completion token",
    body: () => ({ fileId: victims.avatar.fileId, completionToken: "" }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a forged completion token",
    body: () => ({
      fileId: victims.avatar.fileId,
      completionToken: "eyJhbGciOiJIUzI1NiJ9.e30.Zm9yZ2Vk",
    }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a completion token with one character changed",
    body: () => ({
      fileId: victims.avatar.fileId,
      completionToken: `${token().slice(0, -2)}${token().endsWith("A") ? "BB" : "AA"}`,
    }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a completion token whose claims were edited to the victim's folder",
    body: () => ({
      fileId: victims.avatar.fileId,
      completionToken: withPayload(token(), (claims) => {
        claims.upkit.binding.folder = "/users/victim/";
        claims.upkit.binding.nameSuffix = victims.avatar.filePath.slice(-4);
        claims.upkit.fields.folder = "/users/victim/";
      }),
    }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a completion token signed with another key",
    // The same claims, signed with a key that is not the server's.
    body: async () => ({
      fileId: victims.avatar.fileId,
      completionToken: await new SignJWT(claimsOf(token()))
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .sign(new TextEncoder().encode("not-the-server-key")),
    }),
    status: 400,
    code: "bad-request",
  },
  {
    name: 'an unsigned completion token (alg "none")',
    body: () => {
      const [, payload] = token().split(".");
      const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
      return { fileId: victims.avatar.fileId, completionToken: `${header}.${payload}.` };
    },
    status: 400,
    code: "bad-request",
  },
  // Both are JWTs from the same server: the upload token must never pass as a completion token.
  {
    name: "ImageKit's upload token as the completion token",
    body: () => ({ fileId: victims.avatar.fileId, completionToken: mallory.fields.token }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a completion token of another profile",
    body: () => ({
      fileId: victims.avatar.fileId,
      completionToken: malloryGallery.completionToken,
    }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "input other than the one signed",
    profile: "gallery",
    body: () => ({
      fileId: victims.gallery.fileId,
      completionToken: malloryGallery.completionToken,
      input: { caption: "Other" },
    }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a JSON array",
    body: () => [victims.avatar.fileId, token()],
    status: 400,
    code: "bad-request",
  },
  {
    name: "invalid JSON",
    body: () => undefined,
    init: { method: "POST", body: '{"fileId":', headers: { "content-type": "application/json" } },
    status: 400,
    code: "bad-request",
  },
  {
    name: "signed out",
    body: () => ({ fileId: victims.avatar.fileId, completionToken: token() }),
    init: { user: undefined, headers: { "x-user": "" } },
    status: 401,
    code: "unauthorized",
  },
  {
    name: "the wrong method",
    body: () => undefined,
    init: { method: "GET" },
    status: 405,
    code: "method-not-allowed",
  },
  // A queued upload's ask names no file: `queued` must be exactly true, and alone.
  {
    name: "queued as a string",
    body: () => ({ queued: "true", completionToken: token() }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "queued false and no fileId",
    body: () => ({ queued: false, completionToken: token() }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "queued with the victim's fileId",
    body: () => ({ queued: true, fileId: victims.avatar.fileId, completionToken: token() }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "queued with a token whose claims were edited to the victim's file",
    body: () => ({
      queued: true,
      completionToken: withPayload(token(), (claims) => {
        claims.upkit.binding.folder = "/users/victim/";
        claims.upkit.binding.nameSuffix = victims.avatar.filePath.slice(-14);
        claims.upkit.fields.fileName = victims.avatar.filePath.split("/").pop() ?? "";
      }),
    }),
    status: 400,
    code: "bad-request",
  },
  {
    name: "queued with a token of another profile",
    body: () => ({ queued: true, completionToken: malloryGallery.completionToken }),
    status: 400,
    code: "bad-request",
  },
];

describe("complete refuses malformed and forged requests", () => {
  for (const c of malformed) {
    it(c.name, async () => {
      const body = await c.body();
      await refused(
        () => attempt(body, { profile: c.profile, ...(c.init ? { init: c.init } : {}) }),
        c.status,
        c.code,
      );
    });
  }

  it("an expired completion token", async () => {
    // The token outlives the upload signature by a day: step the clock past it.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 2 * 24 * 3600 * 1000);
      await refused(
        () => attempt({ fileId: NO_SUCH_FILE_ID, completionToken: token() }),
        400,
        "bad-request",
      );
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("complete never lets one user claim another's file", () => {
  it("asked about as queued, the attacker's own token finds only her own upload's file: still queued", async () => {
    const mark = await target.mark();
    const answer = await attempt({ queued: true, completionToken: token() });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ state: "queued", completionToken: token() });
    await target.expectClean(mark);
    for (const victim of Object.values(victims)) {
      expect((await target.emulator.api(`/v1/files/${victim.fileId}/details`)).status).toBe(200);
    }
  });

  it("another user's avatar with the attacker's own token: 403, the file kept, nothing said of it", async () => {
    const answer = await refused(
      () => attempt({ fileId: victims.avatar.fileId, completionToken: mallory.completionToken }),
      403,
      "forbidden",
    );
    expect(answer.body.error.message).not.toMatch(/victim|\/users\//);
  });

  it("another user's picture in the shared gallery folder: 403, not 200", async () => {
    await refused(
      () =>
        complete(target, "gallery", "mallory", {
          fileId: victims.gallery.fileId,
          completionToken: malloryGallery.completionToken,
        }),
      403,
      "forbidden",
    );
  });

  it("the same with v1 signing", async () => {
    const v1 = await signPng(target, "avatar", "mallory", V1);
    const answer = await refused(
      () =>
        attempt(
          { fileId: victims.avatar.fileId, completionToken: v1.completionToken },
          { base: V1 },
        ),
      403,
      "forbidden",
    );
    expect(answer.body.error.message).not.toMatch(/victim|\/users\//);
  });

  it("a victim's fileId after the attacker completed her own upload with the token: 409", async () => {
    const signed = await signPng(target, "avatar", "mallory");
    const own = await uploadSigned(signed);
    const first = await attempt({
      fileId: own.body.fileId,
      completionToken: signed.completionToken,
    });
    expect(first.status, first.text).toBe(200);
    await refused(
      () => attempt({ fileId: victims.avatar.fileId, completionToken: signed.completionToken }),
      409,
      "conflict",
    );
  });
});

describe("a completion token completes one file, once", () => {
  it("the same token and file again: the same answer, onUploadComplete ran once", async () => {
    const signed = await signPng(target, "avatar", "mallory");
    const uploaded = await uploadSigned(signed);
    const body = { fileId: uploaded.body.fileId, completionToken: signed.completionToken };
    const first = await attempt(body);
    expect(first.status, first.text).toBe(200);
    const mark = await target.mark();
    const second = await attempt(body);
    expect(second.status, second.text).toBe(200);
    expect(second.body.file.fileId).toBe(first.body.file.fileId);
    // Answered from the first completion: onUploadComplete did not run again.
    await target.expectClean(mark);
  });

  it("the same token with another file: 409, and that file is left alone", async () => {
    const a = await signPng(target, "avatar", "mallory");
    const b = await signPng(target, "avatar", "mallory");
    const fileA = (await uploadSigned(a)).body.fileId as string;
    const fileB = (await uploadSigned(b)).body.fileId as string;
    expect((await attempt({ fileId: fileA, completionToken: a.completionToken })).status).toBe(200);
    await refused(
      () => attempt({ fileId: fileB, completionToken: a.completionToken }),
      409,
      "conflict",
    );
    // File B is still its own upload's to complete.
    const own = await attempt({ fileId: fileB, completionToken: b.completionToken });
    expect(own.status, own.text).toBe(200);
  });
});

describe("v1 signing: what the browser changed is caught at complete", () => {
  it("changed tags: 403, and the stray file is removed", async () => {
    const signed = await signPng(target, "avatar", "mallory", V1);
    const mark = await target.mark();
    const tampered = await uploadSigned(signed, { tags: "avatar,victim" });
    // v1 signs only token + expire: ImageKit itself stores the file.
    expect(tampered.status).toBe(200);
    const answer = await attempt(
      { fileId: tampered.body.fileId, completionToken: signed.completionToken },
      { base: V1 },
    );
    expectRefusal(answer, 403, "forbidden");
    await target.expectClean(mark);
  });

  it("moved into the victim's folder: 403, the stray file removed, the victim's file kept", async () => {
    const signed = await signPng(target, "avatar", "mallory", V1);
    const mark = await target.mark();
    const tampered = await uploadSigned(signed, { folder: "/users/victim/" });
    expect(tampered.status).toBe(200);
    const answer = await attempt(
      { fileId: tampered.body.fileId, completionToken: signed.completionToken },
      { base: V1 },
    );
    expectRefusal(answer, 403, "forbidden");
    // The stray file carries this upload's own id in its name: provably the attacker's, so it
    // goes; the victim's file, in the same folder, stays.
    await target.expectClean(mark);
  });
});

it("no answer carried the private key", () => expectNoKeyInAnswers(target));
