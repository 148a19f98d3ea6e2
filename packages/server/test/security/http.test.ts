import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedVictims } from "./flows";
import {
  expectNoKeyInAnswers,
  expectParserAnswer,
  PDF,
  startTarget,
  type Target,
  V2,
} from "./harness";
import { head, MULTIPART_TYPE, multipart } from "./raw-http";

let target: Target;

beforeAll(async () => {
  target = await startTarget();
  await seedVictims(target);
});
afterAll(() => target.close());

const SIGN = `${V2}/avatar/sign`;
const JSON_BODY = JSON.stringify({ files: [{ name: "a.png", size: 10, type: "image/png" }] });
const PROXY_BODY = multipart([
  { name: "size", value: String(PDF.length) },
  { name: "file", filename: "a.pdf", type: "application/pdf", data: PDF },
]);
const signHead = (extra: [string, string][]) =>
  head("POST", SIGN, [
    ["Host", "127.0.0.1"],
    ["x-user", "mallory"],
    ["Content-Type", "application/json"],
    ...extra,
  ]);

/**
 * Who answers a malformed request:
 * - "node": Node's HTTP parser refuses it before any of our code runs (a bare status line);
 * - "node, handler running": the head was fine, so our handler started, but the body broke
 *   the parser, which answered and closed the socket while our handler was still reading;
 * - "adapter": our node adapter answers with a JSON error, before the handler runs;
 * - "handler": our code answers, with a JSON error.
 */
type Who = "node" | "node, handler running" | "adapter" | "handler";

interface Case {
  name: string;
  chunks: (string | Buffer)[];
  /** Half-close after writing: the client sends nothing more. */
  end?: boolean;
  by: Who;
  status: number;
  code?: string;
}

const cases: Case[] = [
  {
    name: "a Content-Length that is not a number",
    by: "node",
    status: 400,
    chunks: [signHead([["Content-Length", "ten"]]), JSON_BODY],
  },
  {
    name: "a negative Content-Length",
    by: "node",
    status: 400,
    chunks: [signHead([["Content-Length", "-5"]]), JSON_BODY],
  },
  {
    name: "two different Content-Lengths",
    by: "node",
    status: 400,
    chunks: [
      signHead([
        ["Content-Length", "2"],
        ["Content-Length", String(JSON_BODY.length)],
      ]),
      JSON_BODY,
    ],
  },
  // The classic request-smuggling pair: a front proxy and Node could disagree on the body's end.
  {
    name: "Content-Length with Transfer-Encoding: chunked",
    by: "node",
    status: 400,
    chunks: [
      signHead([
        ["Content-Length", "4"],
        ["Transfer-Encoding", "chunked"],
      ]),
      "0\r\n\r\n",
    ],
  },
  {
    name: "a chunk size that is not hex",
    by: "node, handler running",
    status: 400,
    chunks: [signHead([["Transfer-Encoding", "chunked"]]), `zz\r\n${JSON_BODY}\r\n0\r\n\r\n`],
  },
  {
    name: "20 KB of headers (past Node's 16 KB default)",
    by: "node",
    status: 431,
    chunks: [
      head("GET", `${V2}/config`, [
        ["Host", "127.0.0.1"],
        ["X-Pad", "a".repeat(20_000)],
      ]),
    ],
  },
  {
    name: "a control character in the request line",
    by: "node",
    status: 400,
    chunks: [`GET ${V2}/con\u0001fig HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`],
  },
  {
    name: "a space in the request target",
    by: "node",
    status: 400,
    chunks: [`GET ${V2}/con fig HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`],
  },
  {
    name: "a control character in a header value",
    by: "node",
    status: 400,
    chunks: [
      head("GET", `${V2}/config`, [
        ["Host", "127.0.0.1"],
        ["X-User", "mal\u0001lory"],
      ]),
    ],
  },
  {
    name: "an HTTP/1.1 request without Host",
    by: "node",
    status: 400,
    chunks: [`GET ${V2}/config HTTP/1.1\r\n\r\n`],
  },
  {
    name: "a JSON body shorter than its Content-Length, then the client closes",
    by: "node, handler running",
    status: 400,
    end: true,
    chunks: [signHead([["Content-Length", String(JSON_BODY.length + 100)]]), JSON_BODY],
  },
  {
    name: "a JSON body longer than its Content-Length",
    by: "node, handler running",
    status: 400,
    chunks: [signHead([["Content-Length", String(JSON_BODY.length - 5)]]), JSON_BODY],
  },
  {
    name: "a chunked JSON body cut off, then the client closes",
    by: "node, handler running",
    status: 400,
    end: true,
    chunks: [
      signHead([["Transfer-Encoding", "chunked"]]),
      `${(JSON_BODY.length).toString(16)}\r\n${JSON_BODY.slice(0, 10)}`,
    ],
  },
  {
    name: "a chunked multipart body cut off mid-file, then the client closes",
    by: "node, handler running",
    status: 400,
    end: true,
    chunks: [
      head("POST", `${V2}/documents/proxy`, [
        ["Host", "127.0.0.1"],
        ["x-user", "mallory"],
        ["Content-Type", MULTIPART_TYPE],
        ["Transfer-Encoding", "chunked"],
      ]),
      `${PROXY_BODY.length.toString(16)}\r\n`,
      PROXY_BODY.subarray(0, 150),
    ],
  },
  // Node accepts any Host characters; building the URL from them must not throw past the adapter.
  {
    name: "a Host header with a space",
    by: "adapter",
    status: 400,
    code: "bad-request",
    chunks: [
      head("GET", `${V2}/config`, [
        ["Host", "a b"],
        ["Connection", "close"],
      ]),
    ],
  },
  {
    name: "a Host header with a bracket left open",
    by: "adapter",
    status: 400,
    code: "bad-request",
    chunks: [
      head("GET", `${V2}/config`, [
        ["Host", "[::1"],
        ["Connection", "close"],
      ]),
    ],
  },
  {
    name: "an encoded NUL as the profile",
    by: "handler",
    status: 404,
    code: "not-found",
    chunks: [
      head("POST", `${V2}/%00/sign`, [
        ["Host", "127.0.0.1"],
        ["Content-Length", "0"],
        ["Connection", "close"],
      ]),
    ],
  },
];

async function run(c: Case) {
  const mark = await target.mark();
  const { responses } = await target.raw(c.chunks, { end: c.end ?? false });
  const [first] = responses;
  for (const response of responses) expect(response.status).toBeLessThan(500);
  if (c.by === "handler" || c.by === "adapter") {
    expect(first?.status, first?.statusLine).toBe(c.status);
    expect(first?.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(first?.body ?? "{}").error).toMatchObject({
      code: c.code,
      message: expect.stringMatching(/\S/),
    });
  } else {
    expectParserAnswer(first, c.status);
  }
  if (c.by === "node" || c.by === "adapter") {
    // Give a stray handler call the time to show up: there must be none.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.handled.length, "our handler ran").toBe(mark.handled);
  } else {
    await target.settled(mark);
  }
  await target.expectClean(mark);
  // The server is still there for the next client.
  expect((await target.send(`${V2}/config`)).status).toBe(200);
}

describe("malformed HTTP: never a 5xx, nothing stored, the server serves on", () => {
  for (const c of cases) it(`${c.name} (answered by ${c.by})`, () => run(c));
});

describe("the route comes from the request line, not from Host", () => {
  it("a Host header carrying a path does not reroute the request", async () => {
    const mark = await target.mark();
    const { responses } = await target.raw([
      head("GET", `${V2}/config`, [
        ["Host", `127.0.0.1${V2}/avatar/status?`],
        ["Connection", "close"],
      ]),
    ]);
    const [first] = responses;
    // The config the request line asked for, or a refusal of the Host: never another route.
    if (first?.status === 200) expect(JSON.parse(first.body).profiles).toBeDefined();
    else expect(first?.status).toBe(400);
    await target.settled(mark);
    await target.expectClean(mark);
  });
});

it("no answer carried the private key", () => expectNoKeyInAnswers(target));
