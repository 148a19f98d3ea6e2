import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedVictims } from "./flows";
import {
  expectNoKeyInAnswers,
  expectRefusal,
  type SendInit,
  startTarget,
  type Target,
  V2,
} from "./harness";

let target: Target;
let victims: Awaited<ReturnType<typeof seedVictims>>;

beforeAll(async () => {
  target = await startTarget();
  victims = await seedVictims(target);
});
afterAll(() => target.close());

interface Case {
  name: string;
  path: string | (() => string);
  init?: SendInit;
  status: number;
  code: string;
}

const sign: SendInit = {
  user: "mallory",
  json: { files: [{ name: "a.png", size: 10, type: "image/png" }] },
};

// Names every JS object has: a lookup in a plain object finds them, and `constructor` is a
// function, `__proto__` an object: neither may pass for a profile or an action (nor throw).
const inheritedNames: Case[] = [
  ...["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"].map((name) => ({
    name: `profile "${name}"`,
    path: `${V2}/${name}/sign`,
    init: sign,
    status: 404,
    code: "not-found",
  })),
  ...["constructor", "__proto__", "toString", "hasOwnProperty"].map((name) => ({
    name: `action "${name}" of a real profile`,
    path: `${V2}/avatar/${name}`,
    init: { user: "mallory", method: "POST", json: {} },
    status: 404,
    code: "not-found",
  })),
  {
    name: 'action "__proto__" with GET',
    path: `${V2}/avatar/__proto__`,
    init: { user: "mallory" },
    status: 404,
    code: "not-found",
  },
];

const routes: Case[] = [
  {
    name: "config with POST",
    path: `${V2}/config`,
    init: { json: {} },
    status: 405,
    code: "method-not-allowed",
  },
  {
    name: "config with PUT",
    path: `${V2}/config`,
    init: { method: "PUT", body: "{}" },
    status: 405,
    code: "method-not-allowed",
  },
  {
    name: "config with DELETE",
    path: `${V2}/config`,
    init: { method: "DELETE" },
    status: 405,
    code: "method-not-allowed",
  },
  {
    name: "an unknown profile",
    path: `${V2}/nope/sign`,
    init: sign,
    status: 404,
    code: "not-found",
  },
  {
    name: "a profile name that differs only in case",
    path: `${V2}/Avatar/sign`,
    init: sign,
    status: 404,
    code: "not-found",
  },
  {
    name: "an encoded traversal as the profile",
    path: `${V2}/..%2Favatar/sign`,
    init: sign,
    status: 404,
    code: "not-found",
  },
  {
    name: "an encoded NUL in the profile",
    path: `${V2}/avatar%00/sign`,
    init: sign,
    status: 404,
    code: "not-found",
  },
  {
    name: "an unknown action",
    path: `${V2}/avatar/delete`,
    init: sign,
    status: 404,
    code: "not-found",
  },
  {
    name: "an extra path segment",
    path: `${V2}/avatar/sign/extra`,
    init: sign,
    status: 404,
    code: "not-found",
  },
  {
    name: "a path outside the base",
    path: "/api/uploadx/avatar/sign",
    init: sign,
    status: 404,
    code: "not-found",
  },
  {
    name: "the webhook route with GET",
    path: `${V2}/webhook`,
    status: 405,
    code: "method-not-allowed",
  },
  {
    name: "sign with GET",
    path: `${V2}/avatar/sign`,
    init: { user: "mallory" },
    status: 405,
    code: "method-not-allowed",
  },
  {
    name: "sign with PUT",
    path: `${V2}/avatar/sign`,
    init: { ...sign, method: "PUT" },
    status: 405,
    code: "method-not-allowed",
  },
];

const status: Case[] = [
  {
    name: "status without fileId",
    path: `${V2}/avatar/status`,
    init: { user: "mallory" },
    status: 400,
    code: "bad-request",
  },
  {
    name: "status with an empty fileId",
    path: `${V2}/avatar/status?fileId=`,
    init: { user: "mallory" },
    status: 400,
    code: "bad-request",
  },
  {
    name: "status with a traversal fileId",
    path: `${V2}/avatar/status?fileId=..%2F..%2Fetc`,
    init: { user: "mallory" },
    status: 400,
    code: "bad-request",
  },
  {
    name: "status with a control character in fileId",
    path: `${V2}/avatar/status?fileId=a%0Db`,
    init: { user: "mallory" },
    status: 400,
    code: "bad-request",
  },
  {
    name: "status with a 200-character fileId",
    path: `${V2}/avatar/status?fileId=${"a".repeat(200)}`,
    init: { user: "mallory" },
    status: 400,
    code: "bad-request",
  },
  {
    name: "status of an unknown profile",
    path: `${V2}/nope/status?fileId=abc`,
    init: { user: "mallory" },
    status: 404,
    code: "not-found",
  },
  {
    name: "status signed out",
    path: () => `${V2}/avatar/status?fileId=${victims.avatar.fileId}`,
    status: 401,
    code: "unauthorized",
  },
  {
    name: "status with POST",
    path: `${V2}/avatar/status?fileId=abc`,
    init: { user: "mallory", json: {} },
    status: 405,
    code: "method-not-allowed",
  },
];

async function run(c: Case): Promise<void> {
  const mark = await target.mark();
  const answer = await target.send(typeof c.path === "string" ? c.path : c.path(), c.init);
  expectRefusal(answer, c.status, c.code);
  await target.expectClean(mark);
}

describe("names inherited from Object.prototype are not routes", () => {
  for (const c of inheritedNames) it(c.name, () => run(c));
});

describe("routes and methods", () => {
  for (const c of routes) it(c.name, () => run(c));
});

describe("status", () => {
  for (const c of status) it(c.name, () => run(c));
});

describe("config answers GET and HEAD, with no key", () => {
  it("GET", async () => {
    const answer = await target.send(`${V2}/config`);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body.profiles).sort()).toEqual(["avatar", "documents", "gallery"]);
  });

  it("HEAD", async () => {
    const answer = await target.send(`${V2}/config`, { method: "HEAD" });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe("");
  });
});

it("no answer carried the private key", () => expectNoKeyInAnswers(target));
