import { setTimeout as sleep } from "node:timers/promises";
import { inspect } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type RedisState, redisState } from "../../src/redis/redis-state";
import { StateUnavailableError } from "../../src/state/state-unavailable";
import { startRedisServer, type TestRedisServer } from "../support/redis-server";

/**
 * Redis goes away (SIGKILL, as a crash) and comes back on the same port: every call rejects
 * with `StateUnavailableError` within about a second meanwhile, and works again afterwards,
 * without a restart of this process. The figures are printed for the report.
 */
let server: TestRedisServer;
const states: RedisState[] = [];
const errors: unknown[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(states.map((state) => state.close()));
  await server?.dispose();
});

const open = (options: Parameters<typeof redisState>[0] = {}) => {
  const state = redisState({ url: server.url, onError: (e) => errors.push(e), ...options });
  states.push(state);
  return state;
};

/** The nine `StateStore` methods, each on its own key. */
const storeCalls = (state: RedisState) => ({
  get: () => state.get("k"),
  set: () => state.set("k", "v", 10_000),
  setIfAbsent: () => state.setIfAbsent("claim", "v", 10_000),
  delete: () => state.delete("gone"),
  deleteIf: () => state.deleteIf("lease", "v"),
  extendIf: () => state.extendIf("lease", "v", 10_000),
  increment: () => state.increment("count", 10_000),
  addToSet: () => state.addToSet("set", ["a"], 10_000),
  setMembers: () => state.setMembers("set"),
});

/** What else a state offers: tus's metadata and lock, and the start-up check. */
const otherCalls = (state: RedisState) => ({
  "tusConfigstore.get": () => state.tusConfigstore.get("id"),
  "tusConfigstore.list": () => state.tusConfigstore.list(),
  "tusLocker.lock": () =>
    state.tusLocker.newLock("upload").lock(new AbortController().signal, () => {}),
  ready: () => state.ready(),
});

async function timeRejection(call: () => Promise<unknown>) {
  const start = performance.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - start };
}

it("rejects every call within about a second while Redis is down, then works again", async () => {
  // A long lock TTL: no refresh runs during the test, so the only report is the outage's.
  const state = open({ keyPrefix: "outage:", lockTtlMs: 60_000 });
  const lockedBefore = state.tusLocker.newLock("held");
  await state.set("k", "v", 10_000);
  await lockedBefore.lock(new AbortController().signal, () => {});
  errors.length = 0;

  await server.stop();
  const measure = async () => {
    const figures: Record<string, number> = {};
    const check = (name: string, { error, ms }: { error: unknown; ms: number }) => {
      expect(error, name).toBeInstanceOf(StateUnavailableError);
      expect((error as Error).message, name).toMatch(/Redis at 127\.0\.0\.1:\d+/);
      figures[name] = Math.round(ms);
    };
    // One call alone, then every call at once, as concurrent requests would come.
    check("get, alone", await timeRejection(() => state.get("k")));
    const calls = Object.entries({ ...storeCalls(state), ...otherCalls(state) });
    const timed = await Promise.all(
      calls.map(async ([name, call]) => [name, await timeRejection(call)] as const),
    );
    for (const [name, result] of timed) check(name, result);
    for (const ms of Object.values(figures)) expect(ms).toBeLessThan(5_000);
    return figures;
  };
  // Just after the crash the client retries every 50-400 ms; later every second.
  console.info("rejection just after Redis died, ms:", await measure());
  await sleep(2_500);
  console.info("rejection 2.5 s into the outage, ms:", await measure());
  // Reported once, not once per reconnect attempt (both connections included).
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(StateUnavailableError);
  // Unlocking while Redis is down does not throw: the lock expires by its TTL.
  await lockedBefore.unlock();

  await server.start();
  const back = performance.now();
  await waitFor(() => state.ready());
  console.info("back after Redis restarted, ms:", Math.round(performance.now() - back));
  for (const [name, call] of Object.entries(storeCalls(state))) {
    await expect(call(), name).resolves.not.toThrow();
  }
  expect(await state.get("k")).toBe("v");
  expect(await state.tusConfigstore.list()).toEqual([]);
  const lock = state.tusLocker.newLock("upload");
  await lock.lock(new AbortController().signal, () => {});
  await lock.unlock();
});

it("rejects when Redis is down at the first call, and connects once it is up", async () => {
  await server.stop();
  const state = open({ keyPrefix: "late:" });
  const { error, ms } = await timeRejection(() => state.get("k"));
  expect(error).toBeInstanceOf(StateUnavailableError);
  console.info("first call with Redis down rejected in ms:", Math.round(ms));
  expect(ms).toBeLessThan(5_000);
  await server.start();
  await waitFor(() => state.set("k", "v", 1_000));
  expect(await state.get("k")).toBe("v");
});

it("never shows the URL's password, in the message or anywhere in the error", async () => {
  const password = "pa55-w0rd-s3cret";
  const guarded = await startRedisServer({ password: "the-right-one" });
  try {
    const wrong = open({ url: guarded.url.replace("the-right-one", password) });
    const refused = await timeRejection(() => wrong.get("k"));
    expect(refused.error).toBeInstanceOf(StateUnavailableError);
    expect(inspect(refused.error, { depth: 10 })).not.toContain(password);

    await guarded.stop();
    const down = open({ url: `redis://user:${password}@127.0.0.1:${guarded.port}` });
    const unreachable = await timeRejection(() => down.get("k"));
    expect(unreachable.error).toBeInstanceOf(StateUnavailableError);
    expect(inspect(unreachable.error, { depth: 10 })).not.toContain(password);
    for (const reported of errors) expect(inspect(reported, { depth: 10 })).not.toContain(password);
  } finally {
    await guarded.dispose();
  }
});

it("closes: calls then reject, and nothing keeps running", async () => {
  const state = open({ keyPrefix: "closed:" });
  await state.set("k", "v", 1_000);
  await state.close();
  await expect(state.get("k")).rejects.toBeInstanceOf(StateUnavailableError);
  await state.close();
});

it("refuses options it cannot use, without quoting the URL", () => {
  expect(() => redisState({ url: "http://:hunter2@example.com" })).toThrow(
    /must be a redis:\/\/, rediss:\/\/ or unix:\/\/ URL/,
  );
  expect(() => redisState({ url: "http://:hunter2@example.com" })).not.toThrow(/hunter2/);
  expect(() => redisState({ url: server.url, timeoutMs: 0 })).toThrow(/timeoutMs/);
});

async function waitFor(call: () => Promise<unknown>, withinMs = 5_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await call();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
