import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGES } from "../src/http/imagekit-error";
import { type CheckSubject, evaluateChecks } from "../src/upload/evaluate-checks";
import { blob, png } from "./support/images";
import { api, startEmulator, type TestEmulator, upload } from "./support/start-emulator";

function subject(
  overrides: { file?: Partial<CheckSubject["file"]>; folder?: string; tags?: string[] } = {},
): CheckSubject {
  return {
    file: { size: 5000, mime: "image/png", width: 64, height: 48, ...overrides.file },
    request: {
      folder: overrides.folder ?? "/marketing/2024/",
      fileName: "banner.png",
      tags: overrides.tags ?? ["summer", "sale"],
    },
  };
}

/** "pass", "failed" or "syntax": what the emulator answers for these checks. */
function outcome(checks: string, on: CheckSubject = subject()): string {
  try {
    evaluateChecks(checks, on);
    return "pass";
  } catch (error) {
    const { status, message } = error as { status: number; message: string };
    expect(status).toBe(400);
    if (message === MESSAGES.checksFailed) return "failed";
    if (message === MESSAGES.checksSyntax) return "syntax";
    throw error;
  }
}

describe("file.mime", () => {
  it("`:` means starts with, as documented: a MIME family is its type and a slash", () => {
    expect(outcome('"file.mime" : "image/"')).toBe("pass");
    expect(outcome('"file.mime" : "image/"', subject({ file: { mime: "image/webp" } }))).toBe(
      "pass",
    );
    expect(outcome('"file.mime" : "image/"', subject({ file: { mime: "text/html" } }))).toBe(
      "failed",
    );
    expect(outcome('"file.mime" : "video/"')).toBe("failed");
  });

  it('reads the documented example with a bare value: `"file.mime" : image`', () => {
    expect(outcome('"file.mime" : image')).toBe("pass");
    expect(outcome('"file.mime" : image', subject({ file: { mime: "application/pdf" } }))).toBe(
      "failed",
    );
  });

  it("`=` is the whole type, not a prefix; case does not matter", () => {
    expect(outcome('"file.mime" = "image/png"')).toBe("pass");
    expect(outcome('"file.mime" = "IMAGE/PNG"')).toBe("pass");
    expect(outcome('"file.mime" = "image"')).toBe("failed");
    expect(outcome('"file.mime" = "image/pn"')).toBe("failed");
  });

  it("`NOT =`, `IN [...]` and `NOT IN [...]`", () => {
    expect(outcome('"file.mime" NOT = "text/html"')).toBe("pass");
    expect(outcome('"file.mime" NOT = "image/png"')).toBe("failed");
    expect(outcome('"file.mime" IN ["image/jpeg", "image/png"]')).toBe("pass");
    expect(outcome('"file.mime" IN ["image/jpeg", "image/gif"]')).toBe("failed");
    expect(outcome('"file.mime" NOT IN ["text/html", "image/svg+xml"]')).toBe("pass");
    expect(outcome('"file.mime" NOT IN ["text/html", "image/png"]')).toBe("failed");
  });

  it("joins comparisons with AND and OR, grouped by parentheses", () => {
    const checks =
      '"file.size" <= "2048kb" AND ("file.mime" : "image/" OR "file.mime" = "application/pdf")';
    expect(outcome(checks)).toBe("pass");
    expect(outcome(checks, subject({ file: { mime: "application/pdf" } }))).toBe("pass");
    expect(outcome(checks, subject({ file: { mime: "text/html" } }))).toBe("failed");
    expect(outcome(checks, subject({ file: { size: 3 * 1024 * 1024 } }))).toBe("failed");
  });
});

describe("other fields", () => {
  it("compares sizes with units and media dimensions with bare numbers (documented example)", () => {
    const checks = '"file.size" <= "50MB" AND "mediaMetadata.height" <= 2000';
    expect(outcome(checks)).toBe("pass");
    expect(outcome(checks, subject({ file: { height: 2001 } }))).toBe("failed");
    expect(outcome('"file.size" < "4kb"')).toBe("failed");
    expect(outcome('"file.size" = 5000')).toBe("pass");
    expect(outcome('"mediaMetadata.width" > 10', subject({ file: { width: undefined } }))).toBe(
      "failed",
    );
  });

  it("compares folders whatever slashes the check writes; `:` is a prefix of the path", () => {
    expect(outcome('"request.folder" = "/marketing/2024"')).toBe("pass");
    expect(outcome('"request.folder" = "marketing/2024/"')).toBe("pass");
    expect(outcome('"request.folder" = "marketing"')).toBe("failed");
    expect(outcome('"request.folder" : "marketing/"')).toBe("pass");
    expect(outcome("'request.folder' : '/'")).toBe("pass");
    expect(outcome('"request.folder" : "marketing/"', subject({ folder: "/marketingx/" }))).toBe(
      "failed",
    );
    expect(outcome('"request.folder" NOT = marketing', subject({ folder: "/marketing/" }))).toBe(
      "failed",
    );
    expect(outcome('"request.folder" = "/"', subject({ folder: "/" }))).toBe("pass");
  });

  it("`request.tags` IN holds when any tag is listed", () => {
    expect(outcome('"request.tags" IN ["sale", "winter"]')).toBe("pass");
    expect(outcome('"request.tags" IN ["winter"]')).toBe("failed");
    expect(outcome('"request.tags" NOT IN ["winter"]')).toBe("pass");
    expect(outcome('"request.tags" NOT IN ["sale"]')).toBe("failed");
  });
});

describe("syntax", () => {
  it.each([
    ["an unquoted field", "file.size < 1mb"],
    ["a size with a unit but no quotes", '"file.size" < 1mb'],
    ["`!=` (the documented form is `NOT =`)", '"file.mime" != "text/html"'],
    ["a field ImageKit does not have", '"file.type" = "image/png"'],
    ["a documented field the emulator does not evaluate", '"request.isPrivateFile" = false'],
    ["an operator the field does not support", '"file.size" : "1mb"'],
    ["`<` on a string field", '"file.mime" < "z"'],
    ["`=` on tags", '"request.tags" = "sale"'],
    ["a value that is not a size", '"file.size" < "big"'],
    ["NOT before a group", 'NOT ("file.mime" = "text/html")'],
    ["an open parenthesis", '("file.mime" : "image/"'],
    ["an unterminated quote", '"file.mime" : "image/'],
    ["a dangling AND", '"file.mime" : "image/" AND'],
    ["two comparisons without AND / OR", '"file.mime" : "image/" "file.size" < "1mb"'],
    ["IN without a list", '"file.mime" IN "image/png"'],
  ])("refuses %s", (_, checks) => {
    expect(outcome(checks)).toBe("syntax");
  });
});

// Over HTTP: what a hostile browser can do with a signed direct upload it sends itself.
describe("uploads", () => {
  let emulator: TestEmulator;
  let image: Buffer;
  const html = Buffer.from("<!doctype html><html><script>alert(document.cookie)</script></html>");

  beforeAll(async () => {
    emulator = await startEmulator();
    image = await png(4, 4);
  });
  afterAll(() => emulator.dispose());

  const stored = async () => (await api(emulator, "/v1/files")).body as { name: string }[];

  /** A v2 direct upload, as a browser sends it: the JWT binds every field, checks included. */
  async function directUpload(file: Blob, fileName: string, checks: string) {
    const fields = { fileName, useUniqueFileName: "true", checks };
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT(fields)
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: emulator.publicKey })
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(emulator.privateKey));
    return upload(emulator, { ...fields, token, file }, { api: "v2", auth: null });
  }

  it("refuses HTML named and declared as a PNG into image/ checks, and stores nothing", async () => {
    const before = await stored();
    const res = await directUpload(
      blob(html, "image/png"),
      "hostile.png",
      '"file.mime" : "image/"',
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Your request failed 'checks' validation.");
    expect(await stored()).toEqual(before);
  });

  it("stores a real PNG under the same checks", async () => {
    const res = await directUpload(blob(image, "image/png"), "photo.png", '"file.mime" : "image/"');
    expect(res.status).toBe(200);
    const details = await api(emulator, `/v1/files/${res.body.fileId}/details`);
    expect(details.body.mime).toBe("image/png");
  });

  it("checks the MIME type of the bytes, not the part's declared type or the name", async () => {
    const pngAsHtml = await directUpload(
      blob(image, "text/html"),
      "page.html",
      '"file.mime" = "image/png"',
    );
    expect(pngAsHtml.status).toBe(200);
    const htmlAsText = await upload(emulator, {
      file: blob(html, "text/plain"),
      fileName: "page.html",
      checks: '"file.mime" NOT = "text/html"',
    });
    expect(htmlAsText.status).toBe(400);
    expect(htmlAsText.body.message).toBe(MESSAGES.checksFailed);
  });

  it("answers a malformed check with the syntax message and stores nothing", async () => {
    const before = await stored();
    const res = await directUpload(blob(image), "a.png", '"file.mime" != "text/html"');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Your request contains invalid syntax for the checks parameter.");
    expect(await stored()).toEqual(before);
  });
});
