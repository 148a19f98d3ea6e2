import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedVictims } from "./flows";
import {
  expectClientError,
  expectNoKeyInAnswers,
  expectRefusal,
  PDF,
  PNG,
  type SendInit,
  startTarget,
  type Target,
  V2,
} from "./harness";
import { head, MULTIPART_TYPE, multipart, type Part } from "./raw-http";

let target: Target;

beforeAll(async () => {
  target = await startTarget();
  await seedVictims(target);
});
afterAll(() => target.close());

const PROXY = `${V2}/documents/proxy`;
const HTML = Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>");
const TEXT = Buffer.from("just some text, no image header at all");

const file = (data: Buffer, filename: string, type = "application/pdf"): Part => ({
  name: "file",
  filename,
  type,
  data,
});
const size = (data: Buffer): Part => ({ name: "size", value: String(data.length) });

/** A multipart body sent as mallory; `type` overrides the Content-Type header. */
const form = (body: Buffer | string, type = MULTIPART_TYPE, user = "mallory"): SendInit => ({
  user,
  method: "POST",
  body: typeof body === "string" ? body : body,
  headers: { "content-type": type },
});

interface Case {
  name: string;
  init: SendInit;
  status: number;
  /** Absent where the spec asks only for a 4xx with a message. */
  code?: string;
  path?: string;
}

const content: Case[] = [
  {
    name: "a PNG claiming to be a PDF",
    init: form(multipart([size(PNG), file(PNG, "scan.pdf")])),
    status: 415,
    code: "file-invalid-type",
  },
  {
    name: "an HTML page named .pdf",
    init: form(multipart([size(HTML), file(HTML, "report.pdf")])),
    status: 415,
    code: "file-invalid-type",
  },
  {
    name: "a text file named .png",
    init: form(multipart([size(TEXT), file(TEXT, "photo.png", "image/png")])),
    status: 415,
    code: "file-invalid-type",
  },
  {
    name: "a real PNG (not accepted here)",
    init: form(multipart([size(PNG), file(PNG, "photo.png", "image/png")])),
    status: 415,
    code: "file-invalid-type",
  },
  {
    name: "an empty file named .pdf",
    init: form(multipart([{ name: "size", value: "0" }, file(Buffer.alloc(0), "empty.pdf")])),
    status: 415,
    code: "file-invalid-type",
  },
  {
    name: "a PDF over the size limit",
    init: form(multipart([file(Buffer.concat([PDF, Buffer.alloc(70 * 1024, 32)]), "big.pdf")])),
    status: 413,
    code: "file-too-large",
  },
];

const shape: Case[] = [
  {
    name: "a multipart body without its closing boundary",
    init: form(multipart([size(PDF), file(PDF, "a.pdf")], { close: false })),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a body cut in the middle of the file",
    init: form(multipart([size(PDF), file(PDF, "a.pdf")]).subarray(0, 200)),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a body that is not multipart at all",
    init: form("this is not multipart"),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a boundary other than the header's",
    init: form(multipart([size(PDF), file(PDF, "a.pdf")], { boundary: "other" })),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a multipart type without a boundary",
    init: form(multipart([file(PDF, "a.pdf")]), "multipart/form-data"),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a JSON body",
    init: form('{"file":"JVBERi0="}', "application/json"),
    status: 400,
    code: "bad-request",
  },
  {
    name: "no file part",
    init: form(multipart([size(PDF), { name: "input", value: "" }])),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a field after the file",
    init: form(multipart([file(PDF, "a.pdf"), size(PDF)])),
    status: 400,
    code: "bad-request",
  },
  {
    name: "two files",
    init: form(multipart([file(PDF, "a.pdf"), file(PDF, "b.pdf")])),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a 70 KB field",
    init: form(multipart([{ name: "note", value: "x".repeat(70 * 1024) }, file(PDF, "a.pdf")])),
    status: 400,
    code: "bad-request",
  },
  {
    name: "40 fields",
    init: form(
      multipart([
        ...Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, value: "x" })),
        file(PDF, "a.pdf"),
      ]),
    ),
    status: 400,
    code: "bad-request",
  },
  {
    name: "the file under another name",
    init: form(multipart([{ ...file(PDF, "a.pdf"), name: "upload" }])),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a file part without a filename",
    init: form(multipart([{ name: "file", type: "application/pdf", data: PDF }])),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a file name of spaces only",
    init: form(multipart([size(PDF), file(PDF, "   ")])),
    status: 400,
  },
  {
    name: "a size field smaller than the file",
    init: form(multipart([{ name: "size", value: "10" }, file(PDF, "a.pdf")])),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a size field larger than the file",
    init: form(multipart([{ name: "size", value: String(PDF.length + 5) }, file(PDF, "a.pdf")])),
    status: 400,
    code: "bad-request",
  },
  {
    name: "a size field that is not a number",
    init: form(multipart([{ name: "size", value: "-1" }, file(PDF, "a.pdf")])),
    status: 400,
    code: "bad-request",
  },
  {
    name: "an input field that is not JSON",
    init: form(multipart([{ name: "input", value: "{oops" }, file(PDF, "a.pdf")])),
    status: 400,
    code: "bad-request",
  },
  {
    name: "input the profile does not take",
    init: form(
      multipart([{ name: "input", value: '{"folder":"/users/victim"}' }, file(PDF, "a.pdf")]),
    ),
    status: 400,
    code: "invalid-input",
  },
];

const access: Case[] = [
  {
    name: "signed out",
    init: { ...form(multipart([file(PDF, "a.pdf")])), user: undefined },
    status: 401,
    code: "unauthorized",
  },
  {
    name: "a direct-only profile",
    path: `${V2}/avatar/proxy`,
    init: form(multipart([file(PNG, "a.png", "image/png")])),
    status: 403,
    code: "forbidden",
  },
  {
    name: "the wrong method",
    init: { user: "mallory", method: "GET" },
    status: 405,
    code: "method-not-allowed",
  },
];

async function run(c: Case): Promise<void> {
  const mark = await target.mark();
  const answer = await target.send(c.path ?? PROXY, c.init);
  expectRefusal(answer, c.status, c.code);
  await target.expectClean(mark);
}

describe("proxy judges the file by its bytes", () => {
  for (const c of content) it(c.name, () => run(c));
});

describe("proxy refuses malformed multipart, storing nothing", () => {
  for (const c of shape) it(c.name, () => run(c));
});

describe("proxy refuses the wrong user, profile or method", () => {
  for (const c of access) it(c.name, () => run(c));
});

describe("a PDF under a misleading name is stored as a PDF", () => {
  for (const name of ["invoice.exe", "page.html"]) {
    it(`named ${name}`, async () => {
      const mark = await target.mark();
      const answer = await target.send(PROXY, form(multipart([size(PDF), file(PDF, name)])));
      expect(answer.status, answer.text).toBe(200);
      const stored = await target.expectStored(mark);
      expect(stored).toHaveLength(1);
      // The server picks the extension from the content: a browser served this file gets a PDF.
      expect(stored[0]?.filePath).toMatch(/^\/documents\/mallory\/[^/]+\.pdf$/);
      const details = await target.emulator.api(`/v1/files/${stored[0]?.fileId}/details`);
      expect(details.body.mime).toBe("application/pdf");
    });
  }
});

describe("a file name cannot leave the profile's folder", () => {
  for (const name of [
    "../../users/victim/x.pdf",
    "..\\..\\x.pdf",
    "a\u0001b.pdf",
    "/etc/passwd.pdf",
  ]) {
    it(JSON.stringify(name), async () => {
      const mark = await target.mark();
      const answer = await target.send(PROXY, form(multipart([size(PDF), file(PDF, name)])));
      // Refusing the name and cleaning it are both safe; storing it elsewhere is not.
      if (answer.status !== 200) {
        expectClientError(answer);
        await target.expectClean(mark);
        return;
      }
      const stored = await target.expectStored(mark);
      expect(stored.map((f) => f.filePath)).toEqual([
        expect.stringMatching(/^\/documents\/mallory\/[^/]+$/),
      ]);
      const storedName = stored[0]?.name ?? "";
      expect(storedName).not.toContain("..");
      expect([...storedName].filter((char) => /\p{Cc}/u.test(char))).toEqual([]);
    });
  }
});

describe("a Content-Length that lies", () => {
  const body = multipart([size(PDF), file(PDF, "lying.pdf")]);
  const request = (length: number) =>
    head("POST", PROXY, [
      ["Host", "127.0.0.1"],
      ["x-user", "mallory"],
      ["Content-Type", MULTIPART_TYPE],
      ["Content-Length", String(length)],
    ]);

  it("shorter than the body: 400, nothing stored, and the server serves on", async () => {
    const mark = await target.mark();
    const { responses } = await target.raw([request(body.length - 40), body]);
    // Our handler gets a body cut short by 40 bytes; those 40 bytes then reach Node's parser as
    // the next request, and it answers 400 and closes the socket, usually before our handler
    // does. Either 400 will do; neither may be a 5xx, and no file may be half stored.
    expect(responses[0]?.status).toBe(400);
    for (const response of responses) expect(response.status).toBeLessThan(500);
    await target.settled(mark);
    await target.expectClean(mark);
    expect((await target.send(`${V2}/config`)).status).toBe(200);
  });

  it("longer than the body, then the client closes: no 5xx, nothing stored", async () => {
    const mark = await target.mark();
    const { responses } = await target.raw([request(body.length + 500), body], { end: true });
    for (const response of responses) expect(response.status).toBeLessThan(500);
    await target.settled(mark);
    await target.expectClean(mark);
    expect((await target.send(`${V2}/config`)).status).toBe(200);
  });
});

it("no answer carried the private key", () => expectNoKeyInAnswers(target));
