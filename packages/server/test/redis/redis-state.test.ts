import { randomUUID } from "node:crypto";
import { createClient } from "redis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type RedisState, redisState } from "../../src/redis/redis-state";
import { describeStateStore } from "../state/state-store-contract";
import { startRedisServer, type TestRedisServer } from "../support/redis-server";

let server: TestRedisServer;
const states: RedisState[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(states.map((state) => state.close()));
  await server?.dispose();
});

// Each test its own prefix: one Redis, no key seen by two tests.
describeStateStore("redisState", () => {
  const state = redisState({ url: server.url, keyPrefix: `test:${randomUUID()}:` });
  states.push(state);
  return state;
});

it("uses a given client: connects it on first use, leaves it open at close", async () => {
  const client = createClient({ url: server.url });
  const state = redisState({ client, keyPrefix: `given:${randomUUID()}:` });
  expect(client.isOpen).toBe(false);
  await state.set("k", "v", 10_000);
  expect(await state.get("k")).toBe("v");
  // The locker's second connection is a duplicate of it, and is ours to close.
  const lock = state.tusLocker.newLock("upload");
  await lock.lock(new AbortController().signal, () => {});
  await lock.unlock();
  await state.close();
  expect(client.isReady).toBe(true);
  expect(await client.ping()).toBe("PONG");
  await client.close();
});
