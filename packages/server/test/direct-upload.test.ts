import { UploadError } from "@upkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createUploadHandler, defineProfile } from "../src/index";
import { call, directUpload, seen } from "./support/call";
import { PNG_1X1, startEmulator, type TestEmulator } from "./support/emulator";

let emulator: TestEmulator;
const png = new Blob([new Uint8Array(PNG_1X1)], { type: "image/png" });
const completed: unknown[] = [];

function makeHandler(signing: "v1" | "v2") {
  return createUploadHandler({
    imagekit: emulator.imagekit,
    signing,
    profiles: {
      avatar: defineProfile({
        restrictions: { maxFileSize: "1MB", accept: ["image/*"], maxFiles: 1 },
        input: z.object({ alt: z.string().max(50) }),
        authorize: (request) => {
          const user = request.headers.get("x-user");
          if (!user) throw new UploadError("unauthorized", "Sign in to upload.");
          return { userId: user };
        },
        options: ({ ctx, input }) => ({
          folder: `/users/${ctx.userId}`,
          tags: ["avatar", ctx.userId],
          customMetadata: { alt: input.alt },
          customCoordinates: { x: 0, y: 0, width: 1, height: 1 },
          isPrivateFile: false,
          transformation: { post: [{ type: "thumbnail", value: "w-20,h-20" }] },
          extensions: [{ name: "google-auto-tagging", maxTags: 2, minConfidence: 50 }],
        }),
        onUploadComplete: ({ ctx, file }) => {
          completed.push(file.fileId);
          return { savedFor: ctx.userId, path: file.filePath };
        },
        rateLimit: { limit: 1000, windowMs: 60_000 },
      }),
      limited: defineProfile({
        authorize: () => ({}),
        rateLimit: { limit: 2, windowMs: 60_000 },
      }),
      proxyOnly: defineProfile({ transports: ["proxy"] }),
    },
  });
}

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.api("/v1/customMetadataFields", {
    method: "POST",
    body: JSON.stringify({
      name: "alt",
      label: "Alt text",
      schema: { type: "Text", maxLength: 100 },
    }),
  });
});
afterAll(() => emulator.dispose());

const signAvatar = (
  handler: ReturnType<typeof makeHandler>,
  overrides: Record<string, unknown> = {},
  user = "u42",
) =>
  call(handler, "/api/upload/avatar/sign", {
    headers: { "x-user": user },
    json: {
      files: [{ name: "me.png", size: PNG_1X1.length, type: "image/png" }],
      input: { alt: "Me" },
      ...overrides,
    },
  });

describe.each(["v2", "v1"] as const)("direct upload signed with %s", (scheme) => {
  it("signs, uploads to ImageKit and completes with every option applied", async () => {
    const handler = makeHandler(scheme);
    const signed = await signAvatar(handler);
    expect(signed.status).toBe(200);
    const [file] = signed.body.files;
    expect(file.uploadUrl).toBe(`${emulator.url}/api/${scheme}/files/upload`);
    expect(file.expiresAt).toBeGreaterThan(Date.now());

    const uploaded = await directUpload(file, png, "me.png");
    expect(uploaded.status).toBe(200);

    const done = await call(handler, "/api/upload/avatar/complete", {
      headers: { "x-user": "u42" },
      json: {
        fileId: uploaded.body.fileId,
        completionToken: file.completionToken,
        input: { alt: "Me" },
      },
    });
    expect(done.status).toBe(200);
    expect(done.body.data).toEqual({ savedFor: "u42", path: uploaded.body.filePath });
    expect(done.body.file.fileId).toBe(uploaded.body.fileId);

    await emulator.idle();
    const details = await emulator.api(`/v1/files/${uploaded.body.fileId}/details`);
    expect(details.body).toMatchObject({
      filePath: expect.stringMatching(/^\/users\/u42\/me_[A-Za-z0-9_-]{9}\.png$/),
      tags: ["avatar", "u42"],
      customMetadata: { alt: "Me" },
      customCoordinates: "0,0,1,1",
      isPrivateFile: false,
      AITags: expect.arrayContaining([expect.objectContaining({ source: "google-auto-tagging" })]),
    });
    // The thumbnail post-transformation was applied: the derived image is served.
    const thumb = await fetch(`${emulator.urlEndpoint}/tr:w-20,h-20${details.body.filePath}`);
    expect(thumb.status).toBe(200);
  });

  it("never lets the browser move the file elsewhere", async () => {
    const handler = makeHandler(scheme);
    const [file] = (await signAvatar(handler)).body.files;
    const tampered = await directUpload(file, png, "me.png", { folder: "/users/victim/" });
    if (scheme === "v2") {
      // The JWT binds every field: ImageKit itself refuses.
      expect(tampered.status).toBe(400);
      expect(tampered.body.message).toMatch(/does not match with the payload/);
      return;
    }
    // v1 cannot bind fields: ImageKit stores the file, but complete refuses to trust it.
    expect(tampered.status).toBe(200);
    const before = completed.length;
    const done = await call(handler, "/api/upload/avatar/complete", {
      headers: { "x-user": "u42" },
      json: {
        fileId: tampered.body.fileId,
        completionToken: file.completionToken,
        input: { alt: "Me" },
      },
    });
    expect(done.status).toBe(403);
    expect(done.body.error.code).toBe("forbidden");
    expect(completed.length).toBe(before);
  });
});

describe("bad input gets a clear 4xx with a code", () => {
  let handler: ReturnType<typeof makeHandler>;
  beforeAll(() => {
    handler = makeHandler("v2");
  });

  it("an unknown profile", async () => {
    const res = await call(handler, "/api/upload/nope/sign", { json: { files: [] } });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: "not-found",
      message: 'Unknown upload profile "nope".',
    });
  });

  it("a signed-out user, before anything is signed", async () => {
    const res = await signAvatar(handler, {}, "");
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({ code: "unauthorized", message: "Sign in to upload." });
  });

  it("input that breaks the profile's schema", async () => {
    const res = await signAvatar(handler, { input: { alt: "x".repeat(51) } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid-input");
    expect(res.body.error.data.issues[0].path).toBe("alt");
  });

  it("a file over the size limit, of the wrong type, or one too many", async () => {
    const big = await signAvatar(handler, {
      files: [{ name: "big.png", size: 2 * 1024 * 1024, type: "image/png" }],
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("file-too-large");
    const pdf = await signAvatar(handler, {
      files: [{ name: "cv.pdf", size: 100, type: "application/pdf" }],
    });
    expect(pdf.status).toBe(415);
    expect(pdf.body.error.code).toBe("file-invalid-type");
    const two = await signAvatar(handler, {
      files: [
        { name: "a.png", size: 10, type: "image/png" },
        { name: "b.png", size: 10, type: "image/png" },
      ],
    });
    expect(two.status).toBe(400);
    expect(two.body.error.code).toBe("too-many-files");
    // JSON has no undefined: the accepted file's slot is null.
    expect(two.body.error.data.rejections).toEqual([
      null,
      expect.objectContaining({ code: "too-many-files" }),
    ]);
  });

  it("a body that is not JSON, or not a sign request", async () => {
    const notJson = await call(handler, "/api/upload/avatar/sign", {
      method: "POST",
      headers: { "x-user": "u1", "content-type": "application/json" },
      body: "{files:",
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe("bad-request");
    const noFiles = await signAvatar(handler, { files: [] });
    expect(noFiles.status).toBe(400);
  });

  it("a transport the profile does not allow", async () => {
    const res = await call(handler, "/api/upload/proxyOnly/sign", {
      json: { files: [{ name: "a.png", size: 1, type: "image/png" }] },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
  });

  it("the wrong method", async () => {
    const res = await call(handler, "/api/upload/avatar/sign", { method: "GET" });
    expect(res.status).toBe(405);
  });

  it("a replayed signature is refused by ImageKit", async () => {
    const [file] = (await signAvatar(handler)).body.files;
    const first = await directUpload(file, png, "me.png");
    expect(first.body).toMatchObject({ fileId: expect.any(String) });
    const replay = await directUpload(file, png, "me.png");
    expect(replay.status).toBe(400);
    expect(replay.body.message).toMatch(/has been used before/);
  });

  it("two files with the same name and options, signed at once, both upload", async () => {
    const open = createUploadHandler({
      imagekit: emulator.imagekit,
      profiles: { p: defineProfile({}) },
    });
    const same = { name: "image.png", size: PNG_1X1.length, type: "image/png" };
    const signed = await call(open, "/api/upload/p/sign", { json: { files: [same, same, same] } });
    const results = await Promise.all(
      signed.body.files.map((file: never) => directUpload(file, png, "image.png")),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("an expired signature is refused by ImageKit", async () => {
    const quick = createUploadHandler({
      imagekit: emulator.imagekit,
      expiresIn: 1,
      profiles: { p: defineProfile({}) },
    });
    const [file] = (
      await call(quick, "/api/upload/p/sign", {
        json: { files: [{ name: "a.png", size: 1, type: "image/png" }] },
      })
    ).body.files;
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const res = await directUpload(file, png, "a.png");
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Your request contains expired token.");
  });

  it("a completion with a forged token, other input, or a missing file", async () => {
    const [file] = (await signAvatar(handler)).body.files;
    const uploaded = await directUpload(file, png, "me.png");
    const forged = await call(handler, "/api/upload/avatar/complete", {
      headers: { "x-user": "u42" },
      json: {
        fileId: uploaded.body.fileId,
        completionToken: `${file.completionToken}x`,
        input: { alt: "Me" },
      },
    });
    expect(forged.status).toBe(400);
    const otherInput = await call(handler, "/api/upload/avatar/complete", {
      headers: { "x-user": "u42" },
      json: {
        fileId: uploaded.body.fileId,
        completionToken: file.completionToken,
        input: { alt: "Someone else" },
      },
    });
    expect(otherInput.status).toBe(400);
    const missing = await call(handler, "/api/upload/avatar/complete", {
      headers: { "x-user": "u42" },
      json: {
        fileId: "0123456789abcdef01234567",
        completionToken: file.completionToken,
        input: { alt: "Me" },
      },
    });
    expect(missing.status).toBe(404);
  });

  it("too many requests: 429 with Retry-After", async () => {
    const body = { files: [{ name: "a.bin", size: 1, type: "application/octet-stream" }] };
    await call(handler, "/api/upload/limited/sign", { json: body });
    await call(handler, "/api/upload/limited/sign", { json: body });
    const third = await call(handler, "/api/upload/limited/sign", { json: body });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe("rate-limited");
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

it("counts an upload once against the rate limit: its sign, not its complete", async () => {
  // Limit 2 a minute: two whole uploads (sign, ImageKit, complete), then a third sign is refused.
  const handler = makeHandler("v2");
  const body = { files: [{ name: "a.png", size: PNG_1X1.length, type: "image/png" }] };
  for (let upload = 0; upload < 2; upload++) {
    const signed = await call(handler, "/api/upload/limited/sign", { json: body });
    expect(signed.status).toBe(200);
    const file = signed.body.files[0];
    const stored = await directUpload(file, png, "a.png");
    const completed = await call(handler, "/api/upload/limited/complete", {
      json: { fileId: stored.body.fileId, completionToken: file.completionToken },
    });
    expect(completed.status).toBe(200);
  }
  const third = await call(handler, "/api/upload/limited/sign", { json: body });
  expect(third.status).toBe(429);
  // A complete with a forged token counts: guessing costs the guesser.
  const forged = await call(handler, "/api/upload/limited/complete", {
    json: { fileId: "abc", completionToken: "x.y.z" },
  });
  expect(forged.status).toBe(429);
});

it("publishes each profile's restrictions and transports, never a key", async () => {
  const res = await call(makeHandler("v2"), "/api/upload/config", { method: "GET" });
  expect(res.status).toBe(200);
  expect(res.body.profiles.avatar).toEqual({
    restrictions: { maxFileSize: 1_000_000, accept: ["image/*"], maxFiles: 1 },
    transports: ["direct"],
  });
});

it("names the variable when the key is missing or malformed, at checkConfig() (see lazy-imagekit-config.test.ts)", () => {
  const missing = createUploadHandler({
    imagekit: { ...emulator.imagekit, privateKey: "" },
    profiles: {},
  });
  expect(() => missing.checkConfig()).toThrow(/IMAGEKIT_PRIVATE_KEY is not set/);
  const malformed = createUploadHandler({
    imagekit: { ...emulator.imagekit, privateKey: "nope" },
    profiles: {},
  });
  expect(() => malformed.checkConfig()).toThrow(/IMAGEKIT_PRIVATE_KEY is malformed/);
});

it("never shows the private key in a response", () => {
  expect(seen.length).toBeGreaterThan(10);
  for (const response of seen) {
    expect(response.body).not.toContain(emulator.privateKey);
    expect(response.headers).not.toContain(emulator.privateKey);
  }
});
