import { createHmac, randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blob, png } from "./support/images";
import { api, basicAuth, startEmulator, type TestEmulator, upload } from "./support/start-emulator";

let emulator: TestEmulator;
let image: Buffer;

beforeAll(async () => {
  emulator = await startEmulator();
  image = await png();
});
afterAll(() => emulator.dispose());

const now = () => Math.floor(Date.now() / 1000);

function v1Params(
  overrides: Partial<Record<"token" | "expire" | "signature" | "publicKey", string>> = {},
) {
  const token = overrides.token ?? randomUUID();
  const expire = overrides.expire ?? String(now() + 600);
  const signature =
    overrides.signature ??
    createHmac("sha1", "private_emulator_key")
      .update(token + expire)
      .digest("hex");
  return { publicKey: overrides.publicKey ?? "public_emulator_key", token, expire, signature };
}

async function jwt(
  claims: Record<string, unknown>,
  {
    iat = now(),
    exp = now() + 600,
    key = "private_emulator_key",
    kid = "public_emulator_key",
  } = {},
) {
  const builder = new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT", kid });
  if (iat !== undefined) builder.setIssuedAt(iat);
  if (exp !== undefined) builder.setExpirationTime(exp);
  return builder.sign(new TextEncoder().encode(key));
}

async function fileCount() {
  const { body } = await api(emulator, "/v1/files");
  return (body as unknown[]).length;
}

describe("Basic auth (server side)", () => {
  it("accepts the private key", async () => {
    const res = await upload(emulator, { file: blob(image), fileName: "basic.png" });
    expect(res.status).toBe(200);
    expect(res.body.name).toMatch(/^basic_[A-Za-z0-9_-]{9}\.png$/);
  });

  it("refuses a wrong key with 403 and no key with 401", async () => {
    const before = await fileCount();
    const wrong = await upload(
      emulator,
      { file: blob(image), fileName: "x.png" },
      { auth: basicAuth("private_wrong") },
    );
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({
      message: "Your account cannot be authenticated.",
      help: expect.any(String),
    });
    const none = await upload(emulator, { file: blob(image), fileName: "x.png" }, { auth: null });
    expect(none.status).toBe(401);
    expect(none.body.message).toBe("Your request does not contain private API key.");
    expect(await fileCount()).toBe(before);
  });
});

describe("v1 client signature", () => {
  it("accepts a valid signature", async () => {
    const res = await upload(
      emulator,
      { file: blob(image), fileName: "signed.png", ...v1Params() },
      { auth: null },
    );
    expect(res.status).toBe(200);
  });

  it("refuses a bad signature", async () => {
    const res = await upload(
      emulator,
      { file: blob(image), fileName: "a.png", ...v1Params({ signature: "0".repeat(40) }) },
      { auth: null },
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Your request contains invalid signature parameter.");
  });

  it("refuses an expire in the past or an hour or more ahead", async () => {
    // Well past the hour: a second boundary between here and the emulator must not make it pass.
    for (const expire of [String(now() - 10), String(now() + 3700), "soon"]) {
      const res = await upload(
        emulator,
        { file: blob(image), fileName: "a.png", ...v1Params({ expire }) },
        { auth: null },
      );
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^Your request contains invalid expire parameter/);
    }
  });

  it("refuses a replayed token, even when its first request failed", async () => {
    const params = v1Params();
    const first = await upload(
      emulator,
      { file: blob(image), fileName: "a.png", tags: "bad%tag", ...params },
      { auth: null },
    );
    expect(first.status).toBe(400);
    const replay = await upload(
      emulator,
      { file: blob(image), fileName: "a.png", ...params },
      { auth: null },
    );
    expect(replay.status).toBe(400);
    expect(replay.body.message).toBe(
      `The token with value '${params.token}' has been used before. We suggest using V4 UUIDs, or another random string with enough entropy to avoid collisions.`,
    );
  });

  it("refuses a wrong public key", async () => {
    const res = await upload(
      emulator,
      { file: blob(image), fileName: "a.png", ...v1Params({ publicKey: "public_other" }) },
      { auth: null },
    );
    expect(res.status).toBe(403);
  });

  it("refuses Basic auth and a signature at once", async () => {
    const res = await upload(emulator, { file: blob(image), fileName: "a.png", ...v1Params() });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      "Your request contains both signature and basic auth parameter. Use only one method, you might be exposing your private API key.",
    );
  });
});

describe("v2 JWT", () => {
  const fields = { fileName: "jwt.png", folder: "/v2/", tags: "a,b", useUniqueFileName: "false" };

  it("accepts a token whose claims equal the sent fields", async () => {
    const token = await jwt(fields);
    const res = await upload(
      emulator,
      { file: blob(image), ...fields, token },
      { api: "v2", auth: null, headers: {} },
    );
    expect(res.status).toBe(200);
    expect(res.body.filePath).toBe("/v2/jwt.png");
  });

  it("refuses a tampered field, an added field and a missing one", async () => {
    const cases = [
      { ...fields, folder: "/elsewhere/" },
      { ...fields, isPrivateFile: "true" },
      { fileName: fields.fileName, folder: fields.folder, tags: fields.tags },
    ];
    for (const sent of cases) {
      const token = await jwt(fields);
      const res = await upload(
        emulator,
        { file: blob(image), ...sent, token },
        { api: "v2", auth: null },
      );
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(
        "Your request contains invalid payload. It does not match with the payload used to generate token.",
      );
    }
  });

  it("refuses a token signed with another key, a wrong kid, or a lifetime over an hour", async () => {
    const bad = [
      await jwt(fields, { key: "private_other" }),
      await jwt(fields, { kid: "public_other" }),
      await jwt(fields, { iat: now(), exp: now() + 3601 }),
    ];
    for (const token of bad) {
      const res = await upload(
        emulator,
        { file: blob(image), ...fields, token },
        { api: "v2", auth: null },
      );
      expect(res.status).toBe(400);
      expect(res.body.message).toBe("Your request has invalid token.");
    }
  });

  it("refuses a token without iat or exp", async () => {
    const token = await new SignJWT(fields)
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: "public_emulator_key" })
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode("private_emulator_key"));
    const res = await upload(
      emulator,
      { file: blob(image), ...fields, token },
      { api: "v2", auth: null },
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Your request has invalid token.");
  });

  it("refuses an expired token", async () => {
    const token = await jwt(fields, { iat: now() - 700, exp: now() - 100 });
    const res = await upload(
      emulator,
      { file: blob(image), ...fields, token },
      { api: "v2", auth: null },
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Your request contains expired token.");
  });

  it("refuses a replayed token", async () => {
    const claims = { ...fields, fileName: "replay.png" };
    const token = await jwt(claims);
    expect(
      (await upload(emulator, { file: blob(image), ...claims, token }, { api: "v2", auth: null }))
        .status,
    ).toBe(200);
    const replay = await upload(
      emulator,
      { file: blob(image), ...claims, token },
      { api: "v2", auth: null },
    );
    expect(replay.status).toBe(400);
    expect(replay.body.message).toMatch(/has been used before/);
  });

  it("refuses a missing token, and a token with Basic auth", async () => {
    const missing = await upload(
      emulator,
      { file: blob(image), ...fields },
      { api: "v2", auth: null },
    );
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe("Your request is missing token parameter.");
    const both = await upload(
      emulator,
      { file: blob(image), ...fields, token: await jwt(fields) },
      { api: "v2" },
    );
    expect(both.status).toBe(400);
    expect(both.body.message).toBe(
      "Your request contains both token and basic auth parameter. Use only one method, you might be exposing your private API key.",
    );
  });
});

it("leaves no temp file behind after refused uploads", async () => {
  await emulator.idle();
  expect(await readdir(join(emulator.dataDir, "tmp"))).toEqual([]);
});
