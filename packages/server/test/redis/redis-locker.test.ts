import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { ERRORS } from "@tus/server";
import { createClient } from "redis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type RedisState, type RedisStateOptions, redisState } from "../../src/redis/redis-state";
import { startRedisServer, type TestRedisServer } from "../support/redis-server";

/**
 * Each `redisState` has its own connections: two of them stand for two server processes. The
 * dead holder is a real process (`lock-holder.ts`, through tsx), killed with SIGKILL.
 */
const here = import.meta.dirname;
const tsx = pathToFileURL(
  createRequire(createRequire(import.meta.url).resolve("@upkit/emulator/package.json")).resolve(
    "tsx",
  ),
).href;

let server: TestRedisServer;
let raw: ReturnType<typeof createClient>;
const states: RedisState[] = [];
const children = new Set<ChildProcess>();
const reported: unknown[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  raw = createClient({ url: server.url });
  await raw.connect();
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(states.map((state) => state.close()));
  await raw?.close();
  await server?.dispose();
});

/**
 * "Processes" on one Redis, one per options object, sharing a key prefix no other test uses;
 * `key` is the lock key of upload `upload` under it.
 */
function instances(...perInstance: RedisStateOptions[]) {
  const keyPrefix = `lock-test:${randomUUID()}:`;
  const list = perInstance.map((options) => {
    const state = redisState({
      url: server.url,
      keyPrefix,
      onError: (error) => reported.push(error),
      ...options,
    });
    states.push(state);
    return state;
  });
  return { states: list, keyPrefix, key: `${keyPrefix}upkit:tus-lock:upload` };
}

const never = () => new AbortController().signal;

it("lets one holder in at a time across processes (a shared counter stays exact)", async () => {
  const [a, b] = instances({}, {}).states as [RedisState, RedisState];
  await a.set("counter", "0", 60_000);
  let inside = 0;
  let most = 0;
  const task = async (state: RedisState) => {
    const lock = state.tusLocker.newLock("upload");
    await lock.lock(never(), () => {});
    try {
      inside++;
      most = Math.max(most, inside);
      // Read, wait, write: without the lock, two tasks would write the same number.
      const count = Number(await state.get("counter"));
      await sleep(2);
      await state.set("counter", String(count + 1), 60_000);
      inside--;
    } finally {
      await lock.unlock();
    }
  };
  await Promise.all(Array.from({ length: 12 }, (_, i) => task(i % 2 ? a : b)));
  expect(most).toBe(1);
  expect(await a.get("counter")).toBe("12");
});

it("hands the lock over through pub/sub: the holder is asked to release, well within 3 s", async () => {
  const [a, b] = instances({}, {}).states as [RedisState, RedisState];
  const holder = a.tusLocker.newLock("upload");
  let askedAt = 0;
  await holder.lock(never(), async () => {
    askedAt = performance.now();
    await holder.unlock();
  });
  const start = performance.now();
  const waiter = b.tusLocker.newLock("upload");
  await waiter.lock(never(), () => {});
  const handover = performance.now() - start;
  console.info(
    "lock handover, ms: asked after",
    Math.round(askedAt - start),
    "acquired after",
    Math.round(handover),
  );
  expect(askedAt).toBeGreaterThan(0);
  expect(handover).toBeLessThan(1_000);
  await waiter.unlock();
});

it("keeps a lock held far past its TTL while the holder lives (refreshed)", async () => {
  const { states: pair, key } = instances({ lockTtlMs: 300 }, { acquireLockTimeoutMs: 900 });
  const [holderState, waiterState] = pair as [RedisState, RedisState];
  const holder = holderState.tusLocker.newLock("upload");
  await holder.lock(never(), () => {});
  const start = performance.now();
  const waiting = waiterState.tusLocker.newLock("upload").lock(never(), () => {});
  await expect(waiting).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
  // Held 3× its TTL and more, and still there.
  expect(performance.now() - start).toBeGreaterThanOrEqual(850);
  expect(await raw.pTTL(key)).toBeGreaterThan(0);
  await holder.unlock();
  const next = waiterState.tusLocker.newLock("upload");
  await next.lock(never(), () => {});
  await next.unlock();
});

it("cannot be freed by anyone but its holder", async () => {
  const quick = { acquireLockTimeoutMs: 300 };
  const { states: three, key } = instances(quick, quick, quick);
  const [a, b, c] = three as [RedisState, RedisState, RedisState];

  const holder = a.tusLocker.newLock("upload");
  await holder.lock(never(), () => {});
  // A lock object that never got the lock cannot unlock it.
  const stranger = b.tusLocker.newLock("upload");
  await expect(stranger.unlock()).rejects.toThrow("Releasing an unlocked lock!");
  expect(await raw.exists(key)).toBe(1);

  // An old holder whose lock ran out (deleted here, as an expiry) and was taken since cannot
  // free the new holder's lock.
  await raw.del(key);
  const newHolder = b.tusLocker.newLock("upload");
  await newHolder.lock(never(), () => {});
  await holder.unlock();
  expect(await raw.exists(key)).toBe(1);
  await expect(c.tusLocker.newLock("upload").lock(never(), () => {})).rejects.toBe(
    ERRORS.ERR_LOCK_TIMEOUT,
  );
  await newHolder.unlock();
  expect(await raw.exists(key)).toBe(0);
});

it("tells a holder whose lock ran out to release (its refresh finds it gone)", async () => {
  const { states: one, key } = instances({ lockTtlMs: 300 });
  const [a] = one as [RedisState];
  let released = false;
  const holder = a.tusLocker.newLock("upload");
  await holder.lock(never(), () => {
    released = true;
  });
  await raw.del(key);
  await waitUntil(() => released, 1_000);
  await holder.unlock();
});

it("frees the lock of a holder process killed without unlocking, after the TTL", async () => {
  const { states: one, keyPrefix, key } = instances({});
  const [state] = one as [RedisState];
  const child = await startHolder(keyPrefix, 1_000);
  child.kill("SIGKILL");
  await new Promise((resolve) => child.once("exit", resolve));
  const left = await raw.pTTL(key);
  expect(left).toBeGreaterThan(0);

  const start = performance.now();
  const lock = state.tusLocker.newLock("upload");
  await lock.lock(never(), () => {});
  const waited = performance.now() - start;
  console.info("dead holder: TTL left", left, "ms, lock taken after", Math.round(waited), "ms");
  expect(waited).toBeGreaterThanOrEqual(left - 50);
  expect(waited).toBeLessThan(left + 1_000);
  await lock.unlock();
});

it("stops waiting when the request's signal aborts", async () => {
  const [a, b] = instances({}, {}).states as [RedisState, RedisState];
  const holder = a.tusLocker.newLock("upload");
  await holder.lock(never(), () => {});
  const controller = new AbortController();
  const start = performance.now();
  setTimeout(() => controller.abort(), 100);
  await expect(b.tusLocker.newLock("upload").lock(controller.signal, () => {})).rejects.toBe(
    ERRORS.ERR_LOCK_TIMEOUT,
  );
  const ms = performance.now() - start;
  console.info("aborted wait ended after, ms:", Math.round(ms));
  expect(ms).toBeLessThan(1_000);
  await holder.unlock();
});

/** Starts `lock-holder.ts`; resolves once it holds the lock. */
function startHolder(keyPrefix: string, lockTtlMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", tsx, join(here, "lock-holder.ts")], {
    env: {
      ...process.env,
      UPKIT_REDIS_URL: server.url,
      UPKIT_KEY_PREFIX: keyPrefix,
      UPKIT_LOCK_TTL_MS: String(lockTtlMs),
      UPKIT_UPLOAD_ID: "upload",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`holder did not lock: ${output}`)), 15_000);
    child.once("exit", (code) => reject(new Error(`holder exited (${code}): ${output}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
      if (output.includes("locked")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

async function waitUntil(condition: () => boolean, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms`);
    await sleep(10);
  }
}
