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

it("deletes and extends a key only while it holds the given value", async () => {
  let now = 0;
  const store = createMemoryStore({ now: () => now });
  await store.set("lease", "mine", 100);
  expect(await store.deleteIf("lease", "theirs")).toBe(false);
  expect(await store.extendIf("lease", "theirs", 1_000)).toBe(false);
  expect(await store.extendIf("lease", "mine", 1_000)).toBe(true);
  now = 500;
  expect(await store.get("lease")).toBe("mine");
  expect(await store.deleteIf("lease", "mine")).toBe(true);
  expect(await store.get("lease")).toBeUndefined();
  expect(await store.extendIf("lease", "mine", 1_000)).toBe(false);
});

it("counts in a fixed window: the first increment sets the time to live", async () => {
  let now = 0;
  const store = createMemoryStore({ now: () => now });
  expect(await Promise.all([1, 2, 3].map(() => store.increment("hits", 100)))).toEqual([1, 2, 3]);
  now = 90;
  expect(await store.increment("hits", 100)).toBe(4);
  now = 100;
  expect(await store.increment("hits", 100)).toBe(1);
});

it("keeps sets: members added, no duplicates, gone with their time to live", async () => {
  let now = 0;
  const store = createMemoryStore({ now: () => now });
  expect(await store.setMembers("steps")).toEqual([]);
  await store.addToSet("steps", ["a", "b"], 100);
  await store.addToSet("steps", ["b", "c"], 100);
  expect((await store.setMembers("steps")).sort()).toEqual(["a", "b", "c"]);
  expect(await store.get("steps")).toBeUndefined();
  now = 100;
  expect(await store.setMembers("steps")).toEqual([]);
});
