import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { StateStore } from "../../src/state/state-store";

/**
 * What every `StateStore` must do, run against each implementation (memory, Redis), with the
 * real clock: a time to live is short here (a few hundred ms) and waited out for real.
 * `makeStore` gives a store that shares nothing with the previous one's keys.
 */
export function describeStateStore(
  name: string,
  makeStore: () => StateStore | Promise<StateStore>,
): void {
  describe(`${name} (StateStore contract)`, () => {
    it("gets what was set, replaces it, and forgets it after its time to live", async () => {
      const store = await makeStore();
      expect(await store.get("a")).toBeUndefined();
      await store.set("a", "1", 150);
      expect(await store.get("a")).toBe("1");
      await store.set("a", "2", 10_000);
      expect(await store.get("a")).toBe("2");
      await store.set("b", "x", 100);
      await sleep(160);
      expect(await store.get("b")).toBeUndefined();
      // The second `set` replaced the time to live too.
      expect(await store.get("a")).toBe("2");
      // Values are kept as they are: JSON, unicode, empty.
      const json = JSON.stringify({ name: "tête ✓", list: [1, 2] });
      await store.set("json", json, 1_000);
      expect(await store.get("json")).toBe(json);
      await store.set("empty", "", 1_000);
      expect(await store.get("empty")).toBe("");
    });

    it("deletes a key, and deleting an absent one is no error", async () => {
      const store = await makeStore();
      await store.delete("never");
      await store.set("k", "v", 1_000);
      await store.delete("k");
      expect(await store.get("k")).toBeUndefined();
    });

    it("sets if absent for exactly one of 50 concurrent callers", async () => {
      const store = await makeStore();
      const claims = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.setIfAbsent("claim", `caller-${i}`, 10_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = claims.indexOf(true);
      expect(await store.get("claim")).toBe(`caller-${winner}`);
      expect(await store.setIfAbsent("claim", "late", 10_000)).toBe(false);
      expect(await store.get("claim")).toBe(`caller-${winner}`);
    });

    it("sets if absent again once the key expired or was deleted", async () => {
      const store = await makeStore();
      expect(await store.setIfAbsent("k", "x", 100)).toBe(true);
      expect(await store.setIfAbsent("k", "y", 100)).toBe(false);
      await sleep(160);
      expect(await store.setIfAbsent("k", "y", 10_000)).toBe(true);
      expect(await store.get("k")).toBe("y");
      await store.delete("k");
      expect(await store.setIfAbsent("k", "z", 10_000)).toBe(true);
      expect(await store.get("k")).toBe("z");
    });

    it("deletes only for the holder of the value, once", async () => {
      const store = await makeStore();
      expect(await store.deleteIf("lease", "mine")).toBe(false);
      await store.set("lease", "mine", 10_000);
      expect(await store.deleteIf("lease", "theirs")).toBe(false);
      expect(await store.get("lease")).toBe("mine");
      const deletions = await Promise.all(
        Array.from({ length: 20 }, () => store.deleteIf("lease", "mine")),
      );
      expect(deletions.filter(Boolean)).toHaveLength(1);
      expect(await store.get("lease")).toBeUndefined();
    });

    it("extends only for the holder of the value, keeping the value", async () => {
      const store = await makeStore();
      expect(await store.extendIf("lease", "mine", 1_000)).toBe(false);
      expect(await store.get("lease")).toBeUndefined();
      await store.set("lease", "mine", 150);
      expect(await store.extendIf("lease", "theirs", 10_000)).toBe(false);
      expect(await store.extendIf("lease", "mine", 10_000)).toBe(true);
      await sleep(200);
      expect(await store.get("lease")).toBe("mine");
      // A renewal shortens too: the new time to live counts from now.
      expect(await store.extendIf("lease", "mine", 100)).toBe(true);
      await sleep(160);
      expect(await store.get("lease")).toBeUndefined();
      expect(await store.extendIf("lease", "mine", 1_000)).toBe(false);
    });

    it("a lease that ran out cannot be renewed or given up by its old holder", async () => {
      const store = await makeStore();
      await store.set("lease", "old", 100);
      await sleep(160);
      expect(await store.setIfAbsent("lease", "new", 10_000)).toBe(true);
      expect(await store.extendIf("lease", "old", 10_000)).toBe(false);
      expect(await store.deleteIf("lease", "old")).toBe(false);
      expect(await store.get("lease")).toBe("new");
    });

    it("counts 50 concurrent increments as 1 to 50", async () => {
      const store = await makeStore();
      const counts = await Promise.all(
        Array.from({ length: 50 }, () => store.increment("hits", 10_000)),
      );
      expect([...counts].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      expect(await store.increment("hits", 10_000)).toBe(51);
      expect(await store.increment("other", 10_000)).toBe(1);
    });

    it("counts in a fixed window: the first increment sets the time to live", async () => {
      const store = await makeStore();
      const start = Date.now();
      expect(await store.increment("window", 400)).toBe(1);
      await sleep(250);
      expect(await store.increment("window", 400)).toBe(2);
      await sleep(250);
      // A sliding window (each increment renewing) would still count here.
      expect(Date.now() - start).toBeGreaterThanOrEqual(400);
      expect(await store.increment("window", 400)).toBe(1);
    });

    it("keeps sets: members added, no duplicates, empty when absent", async () => {
      const store = await makeStore();
      expect(await store.setMembers("steps")).toEqual([]);
      await store.addToSet("steps", ["a", "b"], 10_000);
      await store.addToSet("steps", ["b", "c"], 10_000);
      await store.addToSet("steps", [], 10_000);
      expect((await store.setMembers("steps")).sort()).toEqual(["a", "b", "c"]);
      const many = Array.from({ length: 50 }, (_, i) => `m${i}`);
      await Promise.all(many.map((member) => store.addToSet("many", [member], 10_000)));
      expect((await store.setMembers("many")).sort()).toEqual([...many].sort());
    });

    it("gives a set its time to live from the last add", async () => {
      const store = await makeStore();
      await store.addToSet("steps", ["a"], 150);
      await sleep(100);
      await store.addToSet("steps", ["b"], 150);
      await sleep(100);
      expect((await store.setMembers("steps")).sort()).toEqual(["a", "b"]);
      await sleep(100);
      expect(await store.setMembers("steps")).toEqual([]);
    });

    it("reads a key of the other kind as absent", async () => {
      const store = await makeStore();
      await store.addToSet("set", ["a"], 10_000);
      await store.set("text", "v", 10_000);
      expect(await store.get("set")).toBeUndefined();
      expect(await store.setMembers("text")).toEqual([]);
    });
  });
}
