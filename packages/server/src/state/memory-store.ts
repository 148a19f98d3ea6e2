import type { StateStore } from "./state-store";

export interface MemoryStoreOptions {
  /** Most entries kept; past it expired entries go first, then the oldest. Default 100,000. */
  capacity?: number;
  /** The clock, ms since the epoch; for tests. */
  now?: () => number;
}

/**
 * The default {@link StateStore}: a `Map` in this process. Right for one server instance; with
 * several, each would remember alone (a token could complete once per instance), so pass a
 * shared store.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): StateStore {
  const capacity = options.capacity ?? 100_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: string | Set<string>; expiresAt: number }>();

  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const put = (key: string, value: string | Set<string>, ttlMs: number) => {
    entries.delete(key); // re-inserted last: a Map iterates oldest first
    entries.set(key, { value, expiresAt: now() + ttlMs });
    if (entries.size > capacity) evict();
  };
  const evict = () => {
    const time = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= time) entries.delete(key);
    while (entries.size > capacity) entries.delete(entries.keys().next().value as string);
  };

  const text = (key: string) => {
    const value = live(key)?.value;
    return typeof value === "string" ? value : undefined;
  };

  // Every step is synchronous, so each method is atomic within the process.
  return {
    async get(key) {
      return text(key);
    },
    async set(key, value, ttlMs) {
      put(key, value, ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false;
      put(key, value, ttlMs);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
    async deleteIf(key, value) {
      if (text(key) !== value) return false;
      entries.delete(key);
      return true;
    },
    async extendIf(key, value, ttlMs) {
      if (text(key) !== value) return false;
      put(key, value, ttlMs);
      return true;
    },
    async increment(key, ttlMs) {
      const entry = live(key);
      const count = (Number(typeof entry?.value === "string" ? entry.value : 0) || 0) + 1;
      if (entry) entry.value = String(count);
      else put(key, String(count), ttlMs);
      return count;
    },
    async addToSet(key, members, ttlMs) {
      const current = live(key)?.value;
      const set = current instanceof Set ? current : new Set<string>();
      for (const member of members) set.add(member);
      put(key, set, ttlMs);
    },
    async setMembers(key) {
      const value = live(key)?.value;
      return value instanceof Set ? [...value] : [];
    },
  };
}
