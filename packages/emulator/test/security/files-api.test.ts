import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blob, png } from "../support/images";
import {
  api,
  basicAuth,
  startEmulator,
  type TestEmulator,
  upload,
} from "../support/start-emulator";
import { expectImageKitError, expectUntouched, listFiles } from "./guard";
import { rawExchange } from "./raw-http";

let emulator: TestEmulator;
let victim: { fileId: string; filePath: string };
let port: number;

beforeAll(async () => {
  emulator = await startEmulator();
  port = Number(new URL(emulator.url).port);
  const stored = await upload(emulator, {
    file: blob(await png(8, 8)),
    fileName: "victim.png",
    folder: "/users/victim",
    useUniqueFileName: "false",
  });
  expect(stored.status).toBe(200);
  victim = stored.body as typeof victim;
});
afterAll(() => emulator.dispose());

const NOT_FOUND = "The requested file does not exist.";

interface Case {
  name: string;
  path: () => string;
  init?: RequestInit;
  status: number;
  message: string | RegExp;
}

const cases: Case[] = [
  {
    name: "details without credentials",
    path: () => `/v1/files/${victim.fileId}/details`,
    init: { headers: { authorization: "" } },
    status: 401,
    message: "Your request does not contain private API key.",
  },
  {
    name: "details with a wrong key",
    path: () => `/v1/files/${victim.fileId}/details`,
    init: { headers: { authorization: basicAuth("private_guess") } },
    status: 403,
    message: "Your account cannot be authenticated.",
  },
  {
    name: "details of an encoded traversal",
    path: () => "/v1/files/..%2F..%2Fetc%2Fpasswd/details",
    status: 404,
    message: NOT_FOUND,
  },
  {
    name: "details of a quoted id (SQL)",
    path: () => `/v1/files/${encodeURIComponent("x' OR '1'='1")}/details`,
    status: 404,
    message: NOT_FOUND,
  },
  {
    name: "delete without credentials",
    path: () => `/v1/files/${victim.fileId}`,
    init: { method: "DELETE", headers: { authorization: "" } },
    status: 401,
    message: "Your request does not contain private API key.",
  },
  {
    name: "delete with a wrong key",
    path: () => `/v1/files/${victim.fileId}`,
    init: { method: "DELETE", headers: { authorization: basicAuth("private_guess") } },
    status: 403,
    message: "Your account cannot be authenticated.",
  },
  {
    name: "delete of an encoded traversal",
    path: () => "/v1/files/..%2Fblobs",
    init: { method: "DELETE" },
    status: 404,
    message: NOT_FOUND,
  },
  {
    name: "a list without credentials",
    path: () => "/v1/files",
    init: { headers: { authorization: "" } },
    status: 401,
    message: "Your request does not contain private API key.",
  },
  {
    name: "a list past the limit",
    path: () => "/v1/files?limit=100000",
    status: 400,
    message: "Your request contains invalid limit parameter.",
  },
  {
    name: "a list with a negative skip",
    path: () => "/v1/files?skip=-1",
    status: 400,
    message: "Your request contains invalid skip parameter.",
  },
  {
    name: "a list of a traversal path",
    path: () => "/v1/files?path=/users/../..",
    status: 400,
    message: "Your request contains invalid folder parameter.",
  },
  {
    name: "a list sorted by an injection",
    path: () => `/v1/files?sort=${encodeURIComponent("ASC_CREATED; DROP TABLE files")}`,
    status: 400,
    message: "Your request contains invalid sort parameter.",
  },
];

describe("the file API refuses what it must, deleting nothing", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const before = await listFiles(emulator);
      const answer = await api(emulator, c.path(), c.init);
      expectImageKitError(answer, c.status, c.message);
      await expectUntouched(emulator, before);
    });
  }

  it("a tag filter with an injection finds nothing and breaks nothing", async () => {
    const before = await listFiles(emulator);
    const answer = await api(emulator, `/v1/files?tags=${encodeURIComponent("x') OR 1=1 --")}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([]);
    await expectUntouched(emulator, before);
  });
});

describe("the file server serves files only, never a path outside them", () => {
  const paths = [
    "/upkit-demo/../../../../etc/passwd",
    "/upkit-demo/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/upkit-demo/users/victim/..%2F..%2F..%2Femulator.sqlite",
    "/upkit-demo/users/victim/victim.png%00.jpg",
    "/upkit-demo/tr:w-99999999,h-99999999/users/victim/victim.png",
  ];
  for (const path of paths) {
    it(path, async () => {
      // Raw, so that no client normalises the path first.
      const answer = await rawExchange(port, [
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      ]);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(answer.raw).not.toContain("root:");
      expect(answer.raw).not.toContain("SQLite format");
    });
  }

  it("the victim's own URL still serves it", async () => {
    const answer = await fetch(`${emulator.urlEndpoint}${victim.filePath}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("image/png");
  });
});
