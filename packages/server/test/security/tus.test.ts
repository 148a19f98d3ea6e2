import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Answer,
  expectClientError,
  expectParserAnswer,
  expectRefusal,
  PNG,
  PRIVATE_KEY,
  type SendInit,
} from "./harness";
import { head } from "./raw-http";
import {
  FILES_MAX_SIZE,
  metadata,
  PLANTED_ID,
  startTusTarget,
  TUS_BASE,
  type TusTarget,
} from "./tus-target";

/*
 * Hostile input against the resumable-upload route: another user's upload, ids that try to leave
 * the store, broken creation headers, broken PATCHes. Every refusal is checked the same way: the
 * status, nothing new in ImageKit, the store exactly as before (no stray upload, the victim's
 * intact), nothing next to the store touched, no 5xx and nothing reported to `onError`.
 */

let target: TusTarget;
/** Ada's upload on `files`: 10 bytes long, 4 of them sent. */
let victim: string;
/** Mallory's own upload on `files`: 20 bytes long, none sent. */
let own: string;
const VICTIM_LENGTH = 10;
const VICTIM_OFFSET = 4;
const OWN_LENGTH = 20;

const FILES = `${TUS_BASE}/files/tus`;
const PHOTOS = `${TUS_BASE}/photos/tus`;
const OCTETS = { "content-type": "application/offset+octet-stream" };
/** The id in an upload path. */
const idOf = (path: string) => path.split("/").pop() as string;

beforeAll(async () => {
  target = await startTusTarget();
  victim = await target.create("ada", "files", VICTIM_LENGTH);
  const sent = await target.send(victim, {
    method: "PATCH",
    user: "ada",
    headers: { ...OCTETS, "upload-offset": "0" },
    body: "0123",
  });
  expect(sent.status, sent.text).toBe(204);
  own = await target.create("mallory", "files", OWN_LENGTH);
});
afterAll(() => target?.close());

/** Both uploads as their owners see them: untouched by whatever mallory tried. */
async function expectUploadsIntact(): Promise<void> {
  expect(await target.offsetOf(victim, "ada"), "ada's upload").toBe(VICTIM_OFFSET);
  expect(await target.offsetOf(own, "mallory"), "mallory's upload").toBe(0);
}

/** Runs one hostile request, checks the answer with `check`, then that nothing changed. */
async function attempt(
  path: string,
  init: SendInit,
  check: (answer: Answer) => void,
): Promise<void> {
  const mark = await target.mark();
  const answer = await target.send(path, init);
  check(answer);
  await target.expectClean(mark);
  await expectUploadsIntact();
}

const notFound = (answer: Answer) => expectRefusal(answer, 404, "not-found");

describe("another user's upload answers as an unknown one", () => {
  const as = (user: string, init: SendInit = {}): SendInit => ({ user, ...init });

  it("HEAD", () =>
    attempt(victim, as("mallory", { method: "HEAD" }), (answer) => {
      expect(answer.status).toBe(404);
      // Nothing of the upload leaks through the headers of a HEAD (which has no body).
      expect(answer.headers.get("upload-offset")).toBeNull();
      expect(answer.headers.get("upload-length")).toBeNull();
      expect(answer.headers.get("upload-metadata")).toBeNull();
    }));

  it("PATCH at the right offset", () =>
    attempt(
      victim,
      as("mallory", {
        method: "PATCH",
        headers: { ...OCTETS, "upload-offset": String(VICTIM_OFFSET) },
        body: "456789",
      }),
      notFound,
    ));

  it("PATCH that would finish it", () =>
    attempt(
      victim,
      as("mallory", {
        method: "PATCH",
        headers: { ...OCTETS, "upload-offset": String(VICTIM_OFFSET) },
        body: Buffer.alloc(VICTIM_LENGTH - VICTIM_OFFSET, 0x41),
      }),
      notFound,
    ));

  it("DELETE", () => attempt(victim, as("mallory", { method: "DELETE" }), notFound));

  it("GET result", () => attempt(`${victim}/result`, as("mallory"), notFound));

  it("the same requests by its owner through another profile's route", async () => {
    const elsewhere = `${PHOTOS}/${idOf(victim)}`;
    await attempt(elsewhere, as("ada", { method: "HEAD" }), (a) => expect(a.status).toBe(404));
    await attempt(elsewhere, as("ada", { method: "DELETE" }), notFound);
    await attempt(
      elsewhere,
      as("ada", {
        method: "PATCH",
        headers: { ...OCTETS, "upload-offset": String(VICTIM_OFFSET) },
        body: "456789",
      }),
      notFound,
    );
    await attempt(`${elsewhere}/result`, as("ada"), notFound);
  });

  it("signed out: 401 on every method", async () => {
    for (const method of ["HEAD", "PATCH", "DELETE"]) {
      await attempt(
        victim,
        { method, headers: { ...OCTETS, "upload-offset": String(VICTIM_OFFSET) } },
        (a) => expect(a.status, method).toBe(401),
      );
    }
    await attempt(`${victim}/result`, {}, (a) => expectRefusal(a, 401, "unauthorized"));
  });
});

describe("X-HTTP-Method-Override does not bypass the owner check", () => {
  const override = (method: string, extra: Record<string, string> = {}) => ({
    "x-http-method-override": method,
    ...extra,
  });

  it.each([
    ["POST overriding DELETE", "POST", override("DELETE"), undefined],
    ["POST overriding HEAD", "POST", override("HEAD"), undefined],
    [
      "POST overriding PATCH, with bytes",
      "POST",
      override("PATCH", { ...OCTETS, "upload-offset": String(VICTIM_OFFSET) }),
      "456789",
    ],
    [
      "PATCH overriding DELETE",
      "PATCH",
      override("DELETE", { ...OCTETS, "upload-offset": String(VICTIM_OFFSET) }),
      "45",
    ],
    ["HEAD overriding DELETE", "HEAD", override("DELETE"), undefined],
  ])("%s on another user's upload", async (_name, method, headers, body) => {
    await attempt(
      victim,
      { user: "mallory", method, headers, ...(body === undefined ? {} : { body }) },
      (a) => {
        expect(a.status).toBeGreaterThanOrEqual(400);
        expect(a.status).toBeLessThan(500);
      },
    );
  });

  it("GET result overriding DELETE on another user's upload", () =>
    attempt(`${victim}/result`, { user: "mallory", headers: override("DELETE") }, notFound));

  it("POST on the creation URL overriding DELETE, with the victim's id in the query", () =>
    attempt(
      `${FILES}?id=${idOf(victim)}`,
      { user: "mallory", method: "POST", headers: override("DELETE") },
      (a) => expectClientError(a),
    ));
});

/*
 * tus reads the upload id from the end of the whole URL (`/([^/]+)\/?$/` on `request.url`), the
 * route from its path: a query or fragment ending in `/<id>` must not make tus act on an upload
 * other than the one whose owner was checked. Each case has its own pair of uploads, so that one
 * that gets through spoils nothing for the others.
 */
describe("an id smuggled after the path does not reach another user's upload", () => {
  /** Ada's upload (10 bytes, 4 sent) and mallory's (20 bytes, none sent), made for one case. */
  async function pair() {
    const theirs = await target.create("ada", "files", VICTIM_LENGTH);
    const sent = await target.send(theirs, {
      method: "PATCH",
      user: "ada",
      headers: { ...OCTETS, "upload-offset": "0" },
      body: "0123",
    });
    expect(sent.status).toBe(204);
    const mine = await target.create("mallory", "files", OWN_LENGTH);
    return { theirs, mine };
  }
  const forms: [string, (mine: string, theirs: string) => string][] = [
    ["a query ending in /<victim id>", (mine, theirs) => `${mine}?/${idOf(theirs)}`],
    ["a query parameter ending in /<victim id>", (mine, theirs) => `${mine}?next=/${idOf(theirs)}`],
    ["a query with an encoded slash", (mine, theirs) => `${mine}?x=%2F${idOf(theirs)}`],
  ];
  const cases = forms.flatMap(([name, build]) =>
    ["HEAD", "PATCH", "DELETE"].map((method) => [method, name, build] as const),
  );

  it.each(cases)("%s with %s", async (method, _name, build) => {
    const { theirs, mine } = await pair();
    const mark = await target.mark();
    const answer = await target.send(build(mine, theirs), {
      user: "mallory",
      method,
      headers: { ...OCTETS, "upload-offset": String(VICTIM_OFFSET) },
      ...(method === "PATCH" ? { body: "XY" } : {}),
    });
    expect(answer.status).toBeLessThan(500);
    // Nothing about the victim's upload is told: a refusal, or an answer about mallory's own.
    expect(answer.headers.get("upload-length")).not.toBe(String(VICTIM_LENGTH));
    expect(answer.headers.get("upload-offset")).not.toBe(String(VICTIM_OFFSET + 2));
    // The victim's upload is there, with the bytes ada sent and no others.
    expect(await target.offsetOf(theirs, "ada"), "ada's upload").toBe(VICTIM_OFFSET);
    if (answer.status >= 400) await target.expectClean(mark);
  });

  it("PATCH with a smuggled id that would finish the victim's upload sends nothing to ImageKit", async () => {
    const { theirs, mine } = await pair();
    const mark = await target.mark();
    const answer = await target.send(`${mine}?/${idOf(theirs)}`, {
      user: "mallory",
      method: "PATCH",
      headers: { ...OCTETS, "upload-offset": String(VICTIM_OFFSET) },
      body: Buffer.alloc(VICTIM_LENGTH - VICTIM_OFFSET, 0x41),
    });
    expect(answer.status).toBeLessThan(500);
    // Any forward runs after the answer: wait until ada's result route no longer says 202.
    for (let i = 0; i < 100; i++) {
      if ((await target.send(`${theirs}/result`, { user: "ada" })).status !== 202) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await target.emulator.idle();
    // Not ada's bytes finished by mallory and stored under mallory's name.
    expect(await target.imagekitFiles(), "files in ImageKit").toBe(mark.imagekitFiles);
    expect(target.completions.length, "onUploadComplete ran").toBe(mark.completions);
    expect(await target.offsetOf(theirs, "ada"), "ada's upload").toBe(VICTIM_OFFSET);
  });

  it("DELETE with a fragment on the raw request line", async () => {
    const { theirs, mine } = await pair();
    const { responses } = await target.raw([
      head("DELETE", `${mine}#/${idOf(theirs)}`, [
        ["Host", "127.0.0.1"],
        ["Tus-Resumable", "1.0.0"],
        ["X-User", "mallory"],
        ["Connection", "close"],
      ]),
    ]);
    expect(responses[0]?.status ?? 0).toBeLessThan(500);
    expect(await target.offsetOf(theirs, "ada"), "ada's upload").toBe(VICTIM_OFFSET);
  });

  it("a traversal after an id of one's own, in the query, reaches nothing outside", async () => {
    for (const tail of [`..%2F${PLANTED_ID}`, "..", "%2E%2E", `..%5C${PLANTED_ID}`, PLANTED_ID]) {
      for (const method of ["HEAD", "PATCH", "DELETE"]) {
        const what = `${method} ?/${tail}`;
        const mine = await target.create("mallory", "files", OWN_LENGTH);
        const mark = await target.mark();
        const answer = await target.send(`${mine}?/${tail}`, {
          user: "mallory",
          method,
          headers: { ...OCTETS, "upload-offset": "0" },
          ...(method === "PATCH" ? { body: "0123" } : {}),
        });
        expect(answer.status, what).toBeLessThan(500);
        // The planted upload (10 bytes, owned by mallory) was not found, nor changed: the request
        // acts on the path's upload, hers, alone (a DELETE removes it, and nothing else).
        expect(answer.headers.get("upload-length"), what).not.toBe("10");
        const ownId = mine.split("/").pop() as string;
        const expected =
          method === "DELETE" ? mark.stored.filter((name) => !name.startsWith(ownId)) : mark.stored;
        expect(await target.storedFiles(), what).toEqual(expected);
        expect(await target.mark().then((m) => m.outside), what).toBe(mark.outside);
      }
    }
  });
});

describe("upload ids that try to leave the store", () => {
  const ids: [string, string][] = [
    ["an encoded ../ to the planted upload", `..%2F${PLANTED_ID}`],
    ["an encoded ../../", `..%2F..%2F${PLANTED_ID}`],
    ["an encoded ..\\", `..%5C${PLANTED_ID}`],
    ["an encoded ..", "%2E%2E"],
    ["an encoded NUL", `${PLANTED_ID}%00`],
    ["an encoded NUL before .json", `${PLANTED_ID}%00.json`],
    ["an absolute path", "%2Fetc%2Fpasswd"],
    ["a 129-character id", "a".repeat(129)],
    ["a 6000-character id", "a".repeat(6000)],
    ["unicode", "%C3%A9t%C3%A9-%F0%9F%93%B7"],
    ["a unicode dot pair", `%EF%BC%8E%EF%BC%8E%EF%BC%8F${PLANTED_ID}`],
    ["an id with a dot", "planted.json"],
  ];

  for (const [name, id] of ids) {
    describe(name, () => {
      it.each(["HEAD", "PATCH", "DELETE"])("%s: 404", async (method) => {
        await attempt(
          `${FILES}/${id}`,
          {
            user: "mallory",
            method,
            headers: { ...OCTETS, "upload-offset": "0" },
            ...(method === "PATCH" ? { body: "0123456789" } : {}),
          },
          (a) => {
            expect(a.status).toBe(404);
            if (method !== "HEAD") notFound(a);
          },
        );
      });

      it("GET result: 404", () => attempt(`${FILES}/${id}/result`, { user: "mallory" }, notFound));
    });
  }

  it("raw UTF-8 and a literal ../ on the request line", async () => {
    for (const path of [
      `${FILES}/\u00e9t\u00e9`,
      `${FILES}/../../${PLANTED_ID}`,
      `${FILES}/%2e%2e/%2e%2e/${PLANTED_ID}`,
    ]) {
      const mark = await target.mark();
      const { responses } = await target.raw([
        Buffer.concat([
          Buffer.from(`DELETE `),
          Buffer.from(path, "utf8"),
          Buffer.from(
            " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nX-User: mallory\r\nConnection: close\r\n\r\n",
          ),
        ]),
      ]);
      const [first] = responses;
      expect(first?.status, path).toBeGreaterThanOrEqual(400);
      expect(first?.status, path).toBeLessThan(500);
      await target.settled(
        mark,
        first?.headers["content-type"]?.startsWith("application/json") ? 1 : 0,
      );
      await target.expectClean(mark);
    }
  });
});

describe("malformed creations: 400 with a JSON message, nothing stored", () => {
  const photo = (extra: Record<string, string> = {}) =>
    metadata({
      filename: "photo.png",
      filetype: "image/png",
      input: JSON.stringify({ album: "trip" }),
      ...extra,
    });
  const b64 = (text: string) => Buffer.from(text).toString("base64");

  const cases: [string, string, number, string][] = [
    ["a value that is not base64", "filename !!!!", 400, "bad-request"],
    ["a value of the wrong base64 length", "filename YWJjZA", 400, "bad-request"],
    ["a key that is not ASCII", `f\u00efle ${b64("a.png")}`, 400, "bad-request"],
    ["three tokens in a pair", `filename ${b64("a.png")} ${b64("b.png")}`, 400, "bad-request"],
    ["an empty pair", `filename ${b64("a.png")},,filetype ${b64("image/png")}`, 400, "bad-request"],
    [
      "duplicate keys",
      `filename ${b64("a.png")},filename ${b64("b.png")},filetype ${b64("image/png")}`,
      400,
      "bad-request",
    ],
    ["a blank header", " ", 400, "bad-request"],
    [
      "no filename",
      metadata({ filetype: "image/png", input: '{"album":"a"}' }),
      400,
      "bad-request",
    ],
    ["a filename key without a value", `filename,filetype ${b64("image/png")}`, 400, "bad-request"],
    ["an empty filename", photo({ filename: "" }), 400, "bad-request"],
    ["a blank filename", photo({ filename: "   " }), 400, "bad-request"],
    [
      "a 2000-character filename",
      photo({ filename: `${"a".repeat(1996)}.png` }),
      400,
      "bad-request",
    ],
    [
      "a 300-character filetype",
      photo({ filetype: `image/${"p".repeat(294)}` }),
      400,
      "bad-request",
    ],
    ["a filename with /", photo({ filename: "../../etc/passwd.png" }), 400, "bad-request"],
    ["a filename with \\", photo({ filename: "..\\..\\boot.png" }), 400, "bad-request"],
    ["a filename with NUL", photo({ filename: "photo.png\u0000.html" }), 400, "bad-request"],
    ["a filename with a newline", photo({ filename: "photo\n.png" }), 400, "bad-request"],
    ["a filename with CR", photo({ filename: "photo\r.png" }), 400, "bad-request"],
    ["a filename with ESC", photo({ filename: "photo\u001b[31m.png" }), 400, "bad-request"],
    ["a filename with DEL", photo({ filename: "photo\u007f.png" }), 400, "bad-request"],
    ["input that is not JSON", photo({ input: "{album" }), 400, "bad-request"],
    ["input that is a bare word", photo({ input: "undefined" }), 400, "bad-request"],
    ["input that is JSON null", photo({ input: "null" }), 400, "invalid-input"],
    ["input missing the album", photo({ input: "{}" }), 400, "invalid-input"],
    ["input with a number for album", photo({ input: '{"album":5}' }), 400, "invalid-input"],
    ["input that is an array", photo({ input: '["trip"]' }), 400, "invalid-input"],
    [
      "input hiding the album behind __proto__",
      photo({ input: '{"__proto__":{"album":"trip"}}' }),
      400,
      "invalid-input",
    ],
    [
      "input with a 10 000-character album",
      photo({ input: JSON.stringify({ album: "a".repeat(10_000) }) }),
      400,
      "invalid-input",
    ],
    [
      "a declared type the profile refuses",
      photo({ filetype: "text/html" }),
      415,
      "file-invalid-type",
    ],
  ];

  it.each(cases)("%s", (_name, header, status, code) =>
    attempt(
      PHOTOS,
      {
        user: "mallory",
        method: "POST",
        headers: { "upload-length": "10", "upload-metadata": header },
      },
      (a) => expectRefusal(a, status, code),
    ),
  );

  it("input on a profile that takes none", () =>
    attempt(
      FILES,
      {
        user: "mallory",
        method: "POST",
        headers: {
          "upload-length": "10",
          "upload-metadata": metadata({ filename: "a.txt", filetype: "text/plain", input: "{}" }),
        },
      },
      (a) => expectRefusal(a, 400, "invalid-input"),
    ));

  it("a metadata header over Node's header limit: 431 from the parser", async () => {
    const mark = await target.mark();
    const { responses } = await target.raw([
      head("POST", PHOTOS, [
        ["Host", "127.0.0.1"],
        ["Tus-Resumable", "1.0.0"],
        ["X-User", "mallory"],
        ["Upload-Length", "10"],
        ["Upload-Metadata", photo({ input: JSON.stringify({ album: "a".repeat(20_000) }) })],
        ["Connection", "close"],
      ]),
    ]);
    expectParserAnswer(responses[0], 431);
    await target.settled(mark, 0);
    await target.expectClean(mark);
  });

  it("two Upload-Metadata headers", async () => {
    const mark = await target.mark();
    const { responses } = await target.raw([
      head("POST", PHOTOS, [
        ["Host", "127.0.0.1"],
        ["Tus-Resumable", "1.0.0"],
        ["X-User", "mallory"],
        ["Upload-Length", "10"],
        ["Upload-Metadata", photo()],
        ["Upload-Metadata", photo({ filename: "other.png" })],
        ["Connection", "close"],
      ]),
    ]);
    expect(responses[0]?.status, responses[0]?.body).toBe(400);
    expect(JSON.parse(responses[0]?.body ?? "{}").error.code).toBe("bad-request");
    await target.settled(mark);
    await target.expectClean(mark);
  });
});

describe("creation lengths: only a plain byte count within maxFileSize", () => {
  const file = metadata({ filename: "notes.txt", filetype: "text/plain" });
  const create = (headers: Record<string, string>) =>
    ({
      user: "mallory",
      method: "POST",
      headers: { "upload-metadata": file, ...headers },
    }) as const;

  it.each([
    ["missing", {}, 400],
    ["empty", { "upload-length": "" }, 400],
    ["negative", { "upload-length": "-1" }, 400],
    ["not a number", { "upload-length": "ten" }, 400],
    ["a decimal", { "upload-length": "10.5" }, 400],
    ["an exponent", { "upload-length": "1e3" }, 400],
    ["hexadecimal", { "upload-length": "0x10" }, 400],
    ["two numbers", { "upload-length": "10, 20" }, 400],
    ["20 digits", { "upload-length": "99999999999999999999" }, 400],
    ["15 digits", { "upload-length": "999999999999999" }, 413],
    ["one byte over maxFileSize", { "upload-length": String(FILES_MAX_SIZE + 1) }, 413],
    ["deferred", { "upload-defer-length": "1" }, 400],
    ["deferred, with a length too", { "upload-defer-length": "1", "upload-length": "10" }, 400],
  ])("%s: %i", (_name, headers, status) =>
    attempt(FILES, create(headers), (a) => expectRefusal(a, status)),
  );

  it("with leading zeros: a 4xx", () =>
    attempt(FILES, create({ "upload-length": "010" }), (a) => {
      expect(a.status).toBeGreaterThanOrEqual(400);
      expect(a.status).toBeLessThan(500);
    }));

  it("two Upload-Length headers", async () => {
    const mark = await target.mark();
    const { responses } = await target.raw([
      head("POST", FILES, [
        ["Host", "127.0.0.1"],
        ["Tus-Resumable", "1.0.0"],
        ["X-User", "mallory"],
        ["Upload-Length", "10"],
        ["Upload-Length", "2000"],
        ["Upload-Metadata", file],
        ["Connection", "close"],
      ]),
    ]);
    expect(responses[0]?.status, responses[0]?.body).toBe(400);
    await target.settled(mark);
    await target.expectClean(mark);
  });
});

describe("broken PATCHes on one's own upload: a 4xx, the offset unchanged", () => {
  const patch = (headers: Record<string, string>, body: string | Buffer = "0123") => ({
    user: "mallory",
    method: "PATCH",
    headers: { "upload-offset": "0", ...headers },
    body,
  });
  const clientError = (a: Answer) => {
    expect(a.status, a.text).toBeGreaterThanOrEqual(400);
    expect(a.status, a.text).toBeLessThan(500);
  };

  it.each([
    ["no Content-Type", {}],
    ["application/octet-stream", { "content-type": "application/octet-stream" }],
    ["text/plain", { "content-type": "text/plain" }],
    ["multipart/form-data", { "content-type": "multipart/form-data; boundary=x" }],
    ["the right type with a parameter", { "content-type": "application/offset+octet-stream; x=1" }],
  ])("Content-Type: %s", (_name, headers) => attempt(own, patch(headers), clientError));

  it.each([
    ["a wrong offset", { ...OCTETS, "upload-offset": "4" }],
    ["a negative offset", { ...OCTETS, "upload-offset": "-4" }],
    ["a non-numeric offset", { ...OCTETS, "upload-offset": "zero" }],
    ["no offset", { ...OCTETS, "upload-offset": "" }],
    ["an Upload-Length on a PATCH", { ...OCTETS, "upload-length": "5" }],
    ["no Tus-Resumable", { ...OCTETS, "tus-resumable": "" }],
  ])("%s", (_name, headers) => attempt(own, patch(headers), clientError));

  it("more bytes than the upload's length", () =>
    attempt(own, patch(OCTETS, Buffer.alloc(OWN_LENGTH + 1, 0x41)), clientError));

  it("more bytes than the upload's length, chunked (no Content-Length)", async () => {
    const mark = await target.mark();
    const body = "A".repeat(OWN_LENGTH + 5);
    const { responses } = await target.raw([
      head("PATCH", own, [
        ["Host", "127.0.0.1"],
        ["Tus-Resumable", "1.0.0"],
        ["X-User", "mallory"],
        ["Upload-Offset", "0"],
        ["Content-Type", "application/offset+octet-stream"],
        ["Transfer-Encoding", "chunked"],
        ["Connection", "close"],
      ]),
      `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    ]);
    expect(responses[0]?.status).toBeGreaterThanOrEqual(400);
    expect(responses[0]?.status).toBeLessThan(500);
    await target.settled(mark);
    await target.expectClean(mark);
    await expectUploadsIntact();
  });
});

describe("a profile that does not allow tus", () => {
  it("refuses a creation: 403", () =>
    attempt(
      `${TUS_BASE}/avatar/tus`,
      {
        user: "mallory",
        method: "POST",
        headers: {
          "upload-length": String(PNG.length),
          "upload-metadata": metadata({ filename: "me.png", filetype: "image/png" }),
        },
      },
      (a) => expectRefusal(a, 403, "forbidden"),
    ));

  it("refuses a creation with the upload in its body: 403", () =>
    attempt(
      `${TUS_BASE}/avatar/tus`,
      {
        user: "mallory",
        method: "POST",
        headers: {
          ...OCTETS,
          "upload-length": String(PNG.length),
          "upload-metadata": metadata({ filename: "me.png", filetype: "image/png" }),
        },
        body: PNG,
      },
      (a) => expectRefusal(a, 403, "forbidden"),
    ));

  it("refuses HEAD, PATCH and DELETE of an upload id under it: 403", async () => {
    for (const method of ["HEAD", "PATCH", "DELETE"]) {
      await attempt(
        `${TUS_BASE}/avatar/tus/${idOf(own)}`,
        { user: "mallory", method, headers: { ...OCTETS, "upload-offset": "0" } },
        (a) => expect(a.status, method).toBe(403),
      );
    }
  });

  it("an unknown profile: 404", () =>
    attempt(
      `${TUS_BASE}/nope/tus`,
      { user: "mallory", method: "POST", headers: { "upload-length": "10" } },
      notFound,
    ));
});

it("no answer carried the private key", () => {
  expect(target.answers.length).toBeGreaterThan(0);
  for (const answer of target.answers) {
    expect(answer.text, answer.what).not.toContain(PRIVATE_KEY);
    expect(answer.headers, answer.what).not.toContain(PRIVATE_KEY);
  }
});
