import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blob, png } from "../support/images";
import {
  basicAuth,
  type Fields,
  startEmulator,
  type TestEmulator,
  upload,
} from "../support/start-emulator";
import { expectImageKitError, expectUntouched, type Files, listFiles } from "./guard";
import { BOUNDARY, multipart, rawExchange } from "./raw-http";

let emulator: TestEmulator;
let image: Buffer;
let port: number;

beforeAll(async () => {
  emulator = await startEmulator();
  port = Number(new URL(emulator.url).port);
  image = await png(8, 8);
  // The file an attacker would like to overwrite, move or delete.
  const victim = await upload(emulator, {
    file: blob(image),
    fileName: "victim.png",
    folder: "/users/victim",
    useUniqueFileName: "false",
  });
  expect(victim.status).toBe(200);
});
afterAll(() => emulator.dispose());

const now = () => Math.floor(Date.now() / 1000);
const MESSAGE = {
  missing: (name: string) => `Your request is missing ${name} parameter.`,
  invalid: (name: string) => `Your request contains invalid ${name} parameter.`,
  invalidToken: "Your request has invalid token.",
};

function v1Fields(expire = now() + 600): Record<string, string> {
  const token = randomUUID();
  const signature = createHmac("sha1", "private_emulator_key")
    .update(token + String(expire))
    .digest("hex");
  return { publicKey: "public_emulator_key", token, expire: String(expire), signature };
}

async function jwt(claims: Record<string, string>, key = "private_emulator_key", kid?: string) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT", ...(kid === undefined ? {} : { kid }) })
    .setIssuedAt()
    .setExpirationTime(now() + 600)
    .sign(new TextEncoder().encode(key));
}

interface Case {
  name: string;
  fields: () => Fields | Promise<Fields>;
  /** `null`: no Authorization header (a browser with a signature). */
  auth?: string | null;
  api?: "v1" | "v2";
  status: number;
  message: string | RegExp;
}

const file = () => blob(image, "image/png");

const fields: Case[] = [
  {
    name: "no file",
    fields: () => ({ fileName: "a.png" }),
    status: 400,
    message: MESSAGE.missing("file"),
  },
  {
    name: "no fileName",
    fields: () => ({ file: file() }),
    status: 400,
    message: MESSAGE.missing("fileName"),
  },
  {
    name: "a fileName of spaces",
    fields: () => ({ file: file(), fileName: "   " }),
    status: 400,
    message: MESSAGE.missing("fileName"),
  },
  {
    name: "a folder that climbs out with ..",
    fields: () => ({ file: file(), fileName: "a.png", folder: "/users/../../etc" }),
    status: 400,
    message: MESSAGE.invalid("folder"),
  },
  {
    name: "a folder with a . segment",
    fields: () => ({ file: file(), fileName: "a.png", folder: "/users/./victim" }),
    status: 400,
    message: MESSAGE.invalid("folder"),
  },
  {
    name: "a folder 51 levels deep",
    fields: () => ({ file: file(), fileName: "a.png", folder: "/a".repeat(51) }),
    status: 400,
    message: MESSAGE.invalid("folder"),
  },
  {
    name: "a % in tags",
    fields: () => ({ file: file(), fileName: "a.png", tags: "a,%00" }),
    status: 400,
    message: MESSAGE.invalid("tags"),
  },
  {
    name: "customMetadata that is not JSON",
    fields: () => ({ file: file(), fileName: "a.png", customMetadata: "{oops" }),
    status: 400,
    message: "Invalid custom metadata.",
  },
  {
    name: "a transformation that is not JSON",
    fields: () => ({ file: file(), fileName: "a.png", transformation: "{oops" }),
    status: 400,
    message: "The file could not be uploaded because the transformation field is invalid.",
  },
  {
    name: "a webhookUrl to a local file",
    fields: () => ({ file: file(), fileName: "a.png", webhookUrl: "file:///etc/passwd" }),
    status: 400,
    message: MESSAGE.invalid("webhookUrl"),
  },
  // Only http(s) URLs are fetched; anything else is base64 that does not decode.
  {
    name: "a file given as a file: URL",
    fields: () => ({ file: "file:///etc/passwd", fileName: "passwd" }),
    status: 400,
    message: MESSAGE.invalid("file"),
  },
  // `data:` and no comma is not base64: its `:` was once skipped, and `data` decoded as bytes.
  {
    name: "a data URI that never reaches its comma",
    fields: () => ({ file: "data:QUFB", fileName: "a.txt" }),
    status: 400,
    message: MESSAGE.invalid("file"),
  },
  {
    name: "a data URI whose prefix does not end within 4 KiB",
    fields: () => ({ file: `data:${"a".repeat(5000)};base64,QUFB`, fileName: "a.txt" }),
    status: 400,
    message: MESSAGE.invalid("file"),
  },
  {
    name: "a field over 1 MB",
    fields: () => ({ file: file(), fileName: "a.png", description: "x".repeat(1024 * 1024 + 1) }),
    status: 400,
    message: MESSAGE.invalid("description"),
  },
  {
    name: "checks the file fails",
    fields: () => ({ file: file(), fileName: "a.png", checks: '"file.size" < "10b"' }),
    status: 400,
    message: "Your request failed 'checks' validation.",
  },
  {
    name: "checks that do not parse",
    fields: () => ({ file: file(), fileName: "a.png", checks: '"file.size" <<< 1; DROP' }),
    status: 400,
    message: "Your request contains invalid syntax for the checks parameter.",
  },
  {
    name: "the victim's path with overwriteFile=false",
    fields: () => ({
      file: file(),
      fileName: "victim.png",
      folder: "/users/victim",
      useUniqueFileName: "false",
      overwriteFile: "false",
    }),
    status: 400,
    message: /already exists at the exact location/,
  },
];

const auth: Case[] = [
  {
    name: "a wrong private key",
    auth: basicAuth("private_guess"),
    fields: () => ({ file: file(), fileName: "a.png" }),
    status: 403,
    message: "Your account cannot be authenticated.",
  },
  {
    name: "no credentials at all",
    auth: null,
    fields: () => ({ file: file(), fileName: "a.png" }),
    status: 401,
    message: "Your request does not contain private API key.",
  },
  {
    name: "Basic auth with an empty key",
    auth: basicAuth(""),
    fields: () => ({ file: file(), fileName: "a.png" }),
    status: 401,
    message: "Your request does not contain private API key.",
  },
  {
    name: "a v1 signature and Basic auth at once",
    fields: () => ({ file: file(), fileName: "a.png", ...v1Fields() }),
    status: 400,
    message: /both signature and basic auth/,
  },
  {
    name: "a v1 expire in the past",
    auth: null,
    fields: () => ({ file: file(), fileName: "a.png", ...v1Fields(now() - 5) }),
    status: 400,
    message: /invalid expire parameter/,
  },
  {
    name: "a v1 expire two hours ahead",
    auth: null,
    fields: () => ({ file: file(), fileName: "a.png", ...v1Fields(now() + 7200) }),
    status: 400,
    message: /invalid expire parameter/,
  },
  {
    name: "a v1 signature without its token",
    auth: null,
    fields: () => {
      const { token: _, ...rest } = v1Fields();
      return { file: file(), fileName: "a.png", ...rest };
    },
    status: 400,
    message: MESSAGE.missing("token"),
  },
  {
    name: "a v2 token signed with another key",
    auth: null,
    api: "v2",
    fields: async () => ({
      file: file(),
      fileName: "a.png",
      token: await jwt({ fileName: "a.png" }, "private_guess", "public_emulator_key"),
    }),
    status: 400,
    message: MESSAGE.invalidToken,
  },
  {
    name: "a v2 token without kid",
    auth: null,
    api: "v2",
    fields: async () => ({
      file: file(),
      fileName: "a.png",
      token: await jwt({ fileName: "a.png" }),
    }),
    status: 400,
    message: MESSAGE.invalidToken,
  },
  {
    name: 'a v2 token with alg "none"',
    auth: null,
    api: "v2",
    fields: () => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
      const token = `${part({ alg: "none", typ: "JWT", kid: "public_emulator_key" })}.${part({ fileName: "a.png", iat: now(), exp: now() + 60 })}.`;
      return { file: file(), fileName: "a.png", token };
    },
    status: 400,
    message: MESSAGE.invalidToken,
  },
  {
    name: "a v2 token and Basic auth at once",
    api: "v2",
    fields: async () => ({
      file: file(),
      fileName: "a.png",
      token: await jwt({ fileName: "a.png" }, undefined, "public_emulator_key"),
    }),
    status: 400,
    message: /both token and basic auth/,
  },
];

async function run(c: Case) {
  const before = await listFiles(emulator);
  const answer = await upload(emulator, await c.fields(), {
    api: c.api ?? "v1",
    ...(c.auth === undefined ? {} : { auth: c.auth }),
  });
  expectImageKitError(answer, c.status, c.message);
  await expectUntouched(emulator, before);
}

describe("the upload API refuses bad fields, storing nothing", () => {
  for (const c of fields) it(c.name, () => run(c));
});

describe("the upload API refuses bad credentials, storing nothing", () => {
  for (const c of auth) it(c.name, () => run(c));
});

describe("names cannot leave their folder", () => {
  const cases: { name: string; fields: Fields; folder: string }[] = [
    { name: "a traversal as fileName", fields: { fileName: "../../etc/passwd" }, folder: "/" },
    {
      name: "a traversal into the victim's folder",
      fields: { fileName: "../victim/victim.png", folder: "/users/mallory" },
      folder: "/users/mallory/",
    },
    {
      name: "control characters in fileName",
      fields: { fileName: "a\u0000b\r\nc.png" },
      folder: "/",
    },
    {
      name: "control characters in folder",
      fields: { fileName: "a.png", folder: "/x\u0001y/\u007fz" },
      folder: "/x_y/_z/",
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const before = await listFiles(emulator);
      const answer = await upload(emulator, { file: file(), ...c.fields });
      expect(answer.status).toBe(200);
      const path = answer.body.filePath as string;
      // In the folder asked for, under one name with no separator or control character left.
      expect(path.startsWith(c.folder)).toBe(true);
      const name = path.slice(c.folder.length);
      expect(name).not.toMatch(/[/\\]/);
      expect([...name].filter((char) => /\p{Cc}/u.test(char))).toEqual([]);
      const after = await listFiles(emulator);
      expect([...before].filter(([id, f]) => after.get(id) !== f)).toEqual([]);
      expect(after.size).toBe(before.size + 1);
    });
  }
});

describe("malformed HTTP to the upload API: never a 5xx, nothing stored", () => {
  const head = (length: string, extra = "") =>
    `POST /api/v1/files/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basicAuth()}\r\n` +
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${length}\r\n${extra}\r\n`;

  async function expectRefusedRaw(
    chunks: () => (string | Buffer)[],
    options: { end?: boolean },
    check: (answer: Awaited<ReturnType<typeof rawExchange>>) => void,
  ) {
    const before: Files = await listFiles(emulator);
    const answer = await rawExchange(port, chunks(), options);
    check(answer);
    expect(answer.status || 0).toBeLessThan(500);
    await expectUntouched(emulator, before);
    // Still serving.
    expect((await fetch(`${emulator.url}/_emulator/health`)).status).toBe(200);
  }

  const fullBody = () => multipart({ fileName: "raw.png" }, { name: "raw.png", data: image });

  it("a body shorter than its Content-Length, then the client closes", () =>
    expectRefusedRaw(
      () => [head(String(fullBody().length + 200)), fullBody()],
      { end: true },
      (a) =>
        // Node's parser answers a body cut off by the client, before the emulator can.
        expect(a.statusLine).toBe("HTTP/1.1 400 Bad Request"),
    ));

  it("a body longer than its Content-Length", () =>
    expectRefusedRaw(
      () => [head(String(fullBody().length - 30)), fullBody()],
      {},
      (a) => expect(a.status).toBe(400),
    ));

  it("a body without its closing boundary", () =>
    expectRefusedRaw(
      () => {
        const cut = multipart(
          { fileName: "raw.png" },
          { name: "raw.png", data: image },
          { close: false },
        );
        return [head(String(cut.length), "Connection: close\r\n"), cut];
      },
      {},
      (a) => {
        expect(a.status).toBe(400);
        expect(a.contentType).toMatch(/^application\/json/);
        expect(a.raw).toContain("Your request contains a malformed multipart body.");
      },
    ));

  it("a Content-Length that is not a number (Node's parser answers)", () =>
    expectRefusedRaw(
      () => [head("many"), fullBody()],
      {},
      (a) => expect(a.statusLine).toBe("HTTP/1.1 400 Bad Request"),
    ));

  it("20 KB of headers (Node's parser answers 431)", () =>
    expectRefusedRaw(
      () => [head(String(fullBody().length), `X-Pad: ${"a".repeat(20_000)}\r\n`), fullBody()],
      {},
      (a) => expect(a.statusLine).toBe("HTTP/1.1 431 Request Header Fields Too Large"),
    ));

  it("a JSON body instead of multipart", async () => {
    const before = await listFiles(emulator);
    const response = await fetch(`${emulator.url}/api/v1/files/upload`, {
      method: "POST",
      headers: { authorization: basicAuth(), "content-type": "application/json" },
      body: JSON.stringify({ file: "iVBORw0KGgo=", fileName: "a.png" }),
    });
    expectImageKitError(
      { status: response.status, body: (await response.json()) as Record<string, unknown> },
      400,
      "Your request must be multipart/form-data.",
    );
    await expectUntouched(emulator, before);
  });
});
