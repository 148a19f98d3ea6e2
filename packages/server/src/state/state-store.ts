import type { KvStore, Locker, Upload } from "@tus/server";

/**
 * What the handler remembers between requests: which completion tokens were used, which
 * webhooks were delivered, how many requests a client sent, which post-transformations are
 * pending, who forwards a tus upload. One small interface, so that several server instances can
 * share it (pass a shared implementation, e.g. `redisState` from `@upkit/server/redis`, as
 * `createUploadHandler({ state })`); the default lives in one process's memory
 * ({@link createMemoryStore}).
 *
 * Values are strings (JSON where structured). Every write carries a time to live: nothing the
 * handler keeps outlives the token, window or upload it guards. Every method is atomic for all
 * users of the store: of two concurrent callers, each sees the other's write whole or not at all.
 * A store that cannot be reached rejects (the handler answers 503); it never hangs.
 */
export interface StateStore {
  /** The value under `key`, or undefined when it is absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs`, replacing any value. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores `value` under `key` for `ttlMs` only if the key is absent (or expired); true when this call stored it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Deletes `key` only while it holds `value` (a lease given up by its holder); true when deleted. */
  deleteIf(key: string, value: string): Promise<boolean>;
  /** Gives `key` a new time to live only while it holds `value` (a lease renewed); true when renewed. */
  extendIf(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Adds 1 to the counter under `key` (absent or expired counts as 0) and resolves the new count.
   * The first increment sets the time to live; later ones keep it: a fixed window.
   */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Adds `members` to the set under `key` and gives the set `ttlMs` to live from now. */
  addToSet(key: string, members: string[], ttlMs: number): Promise<void>;
  /** The members of the set under `key`, in no particular order; empty when absent or expired. */
  setMembers(key: string): Promise<string[]>;
}

/**
 * A state store that also serves tus across instances (`redisState` is one): the handler uses
 * its locker and its upload-metadata store unless the `tus` option names its own.
 */
export interface SharedState extends StateStore {
  /** A tus `Locker` that works across processes. */
  tusLocker?: Locker;
  /** Where a `FileStore` on a shared directory keeps upload metadata (its `configstore`). */
  tusConfigstore?: KvStore<Upload>;
}
