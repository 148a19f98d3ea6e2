import { UploadError } from "@upkit/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUploadHandler, defineProfile } from "../../src/index";
import { call, directUpload } from "../support/call";
import { PNG_1X1, startEmulator, type TestEmulator } from "../support/emulator";

// `complete` must act only on the one file its own signature produced: never delete, return or
// run onUploadComplete for another file, and complete once.

let emulator: TestEmulator;
const png = () => new Blob([new Uint8Array(PNG_1X1)], { type: "image/png" });
const completions: { profile: string; user: string; fileId: string }[] = [];

function makeHandler(signing: "v1" | "v2") {
  const user = (request: Request) => {
    const name = request.headers.get("x-user");
    if (!name) throw new UploadError("unauthorized", "Sign in to upload.");
    return { user: name };
  };
  const done =
    (profile: string) =>
    ({ ctx, file }: { ctx: { user: string }; file: { fileId: string } }) => {
      completions.push({ profile, user: ctx.user, fileId: file.fileId });
      return { owner: ctx.user };
    };
  return createUploadHandler({
    imagekit: emulator.imagekit,
    signing,
    profiles: {
      avatar: defineProfile({
        restrictions: { maxFileSize: "1MB", accept: ["image/*"] },
        authorize: user,
        options: ({ ctx }) => ({ folder: `/users/${ctx.user}`, tags: ["avatar"] }),
        onUploadComplete: done("avatar"),
      }),
      gallery: defineProfile({
        restrictions: { accept: ["image/*"] },
        authorize: user,
        options: () => ({ folder: "/gallery", tags: ["gallery"] }),
        onUploadComplete: done("gallery"),
      }),
      // A profile that fixes the stored name: each user's one cover, replaced on every upload.
      cover: defineProfile({
        restrictions: { accept: ["image/*"] },
        authorize: user,
        options: ({ ctx }) => ({
          folder: `/covers/${ctx.user}`,
          fileName: "cover.png",
          useUniqueFileName: false,
        }),
        onUploadComplete: done("cover"),
      }),
    },
  });
}

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.dispose());

type Handler = ReturnType<typeof makeHandler>;

async function sign(handler: Handler, profile: string, user: string, name = "me.png") {
  const signed = await call(handler, `/api/upload/${profile}/sign`, {
    headers: { "x-user": user },
    json: { files: [{ name, size: PNG_1X1.length, type: "image/png" }] },
  });
  expect(signed.status).toBe(200);
  return signed.body.files[0] as {
    uploadUrl: string;
    fields: Record<string, string>;
    completionToken: string;
  };
}

async function upload(handler: Handler, profile: string, user: string) {
  const signed = await sign(handler, profile, user);
  const uploaded = await directUpload(signed, png(), "me.png");
  expect(uploaded.status).toBe(200);
  return { signed, fileId: uploaded.body.fileId as string };
}

const complete = (handler: Handler, profile: string, user: string, body: object) =>
  call(handler, `/api/upload/${profile}/complete`, { headers: { "x-user": user }, json: body });

const exists = async (fileId: string) =>
  (await emulator.api(`/v1/files/${fileId}/details`)).status === 200;

describe.each(["v2", "v1"] as const)("signed with %s", (scheme) => {
  it("refuses another user's file, and deletes nothing", async () => {
    const handler = makeHandler(scheme);
    const victim = await upload(handler, "avatar", "victim");
    const attacker = await sign(handler, "avatar", "attacker");
    const before = completions.length;

    const stolen = await complete(handler, "avatar", "attacker", {
      fileId: victim.fileId,
      completionToken: attacker.completionToken,
    });
    expect(stolen.status).toBe(403);
    expect(stolen.body.error.code).toBe("forbidden");
    expect(stolen.body.error.message).not.toContain("victim");
    expect(await exists(victim.fileId)).toBe(true);
    expect(completions.length).toBe(before);
  });

  it("refuses another user's file in a shared folder", async () => {
    const handler = makeHandler(scheme);
    const victim = await upload(handler, "gallery", "victim");
    const attacker = await sign(handler, "gallery", "attacker");
    const stolen = await complete(handler, "gallery", "attacker", {
      fileId: victim.fileId,
      completionToken: attacker.completionToken,
    });
    expect(stolen.status).toBe(403);
    expect(completions.some((c) => c.fileId === victim.fileId)).toBe(false);
    expect(await exists(victim.fileId)).toBe(true);
  });

  it("completes once: a repeat gets the same answer, another file a 409", async () => {
    const handler = makeHandler(scheme);
    const first = await upload(handler, "gallery", "u1");
    const second = await upload(handler, "gallery", "u1");
    const body = { fileId: first.fileId, completionToken: first.signed.completionToken };

    const once = await complete(handler, "gallery", "u1", body);
    const again = await complete(handler, "gallery", "u1", body);
    expect(once.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(once.body);
    expect(completions.filter((c) => c.fileId === first.fileId)).toHaveLength(1);

    const other = await complete(handler, "gallery", "u1", { ...body, fileId: second.fileId });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("conflict");
    expect(completions.some((c) => c.fileId === second.fileId)).toBe(false);
  });

  it("runs onUploadComplete once when the same completion arrives twice at once", async () => {
    const handler = makeHandler(scheme);
    const { signed, fileId } = await upload(handler, "gallery", "u2");
    const body = { fileId, completionToken: signed.completionToken };
    const answers = await Promise.all(
      [1, 2, 3].map(() => complete(handler, "gallery", "u2", body)),
    );
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(1);
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    expect(completions.filter((c) => c.fileId === fileId)).toHaveLength(1);
  });

  it("refuses a file at a fixed path written before this upload was signed", async () => {
    const handler = makeHandler(scheme);
    const earlier = await upload(handler, "cover", "u3");
    // Same user, same path: only the time tells this upload from the earlier one. Sign as if
    // ten minutes had passed, and complete without uploading.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10 * 60_000 });
    try {
      const later = await sign(handler, "cover", "u3");
      const stale = await complete(handler, "cover", "u3", {
        fileId: earlier.fileId,
        completionToken: later.completionToken,
      });
      expect(stale.status).toBe(403);
      expect(await exists(earlier.fileId)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    const own = await complete(handler, "cover", "u3", {
      fileId: earlier.fileId,
      completionToken: earlier.signed.completionToken,
    });
    expect(own.status).toBe(200);
  });
});

it("v1: a file tampered by its own uploader is refused and deleted", async () => {
  const handler = makeHandler("v1");
  // v1 signs only token + expire: the browser can change any field, folder and tags included.
  const tampers: Record<string, string>[] = [{ folder: "/users/victim" }, { tags: "avatar,admin" }];
  for (const tamper of tampers) {
    const signed = await sign(handler, "avatar", "u4");
    const uploaded = await directUpload(signed, png(), "me.png", tamper);
    expect(uploaded.status).toBe(200);
    const done = await complete(handler, "avatar", "u4", {
      fileId: uploaded.body.fileId,
      completionToken: signed.completionToken,
    });
    expect(done.status).toBe(403);
    // Named with this upload's id, it is provably this upload's file: removed.
    expect(await exists(uploaded.body.fileId)).toBe(false);
  }
});

it("v2: the kit names each file, so ImageKit refuses a changed name", async () => {
  const handler = makeHandler("v2");
  const signed = await sign(handler, "avatar", "u5", "holiday photo.png");
  expect(signed.fields.fileName).toMatch(/^holiday photo_[A-Za-z0-9]{9}\.png$/);
  expect(signed.fields.useUniqueFileName).toBe("false");
  expect(signed.fields.overwriteFile).toBe("false");
  const renamed = await directUpload(signed, png(), "x.png", { fileName: "holiday photo.png" });
  expect(renamed.status).toBe(400);
});
