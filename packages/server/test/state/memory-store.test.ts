import { expect, it } from "vitest";
import { createMemoryStore } from "../../src/state/memory-store";

it("keeps a value until its time to live runs out", async () => {
  let now = 1_000;
  const store = createMemoryStore({ now: () => now });
  await store.set("a", "1", 100);
  expect(await store.get("a")).toBe("1");
  now += 100;
  expect(await store.get("a")).toBeUndefined();
});

it("sets if absent for one caller only, and again once the key expired or was deleted", async () => {
  let now = 0;
  const store = createMemoryStore({ now: () => now });
  const claims = await Promise.all([1, 2, 3].map(() => store.setIfAbsent("k", "x", 50)));
  expect(claims.filter(Boolean)).toHaveLength(1);
  now += 50;
  expect(await store.setIfAbsent("k", "y", 50)).toBe(true);
  await store.delete("k");
  expect(await store.setIfAbsent("k", "z", 50)).toBe(true);
  expect(await store.get("k")).toBe("z");
});

it("stays within its capacity: expired entries go first, then the oldest", async () => {
  let now = 0;
  const store = createMemoryStore({ capacity: 3, now: () => now });
  await store.set("short", "1", 10);
  await store.set("old", "2", 1_000);
  await store.set("mid", "3", 1_000);
  now = 20;
  await store.set("new", "4", 1_000);
  expect(await store.get("old")).toBe("2");
  await store.set("newer", "5", 1_000);
  expect(await store.get("old")).toBeUndefined();
  expect(await store.get("mid")).toBe("3");
  expect(await store.get("newer")).toBe("5");
});
