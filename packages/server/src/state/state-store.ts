/**
 * What the handler remembers between requests: which completion tokens were used, which
 * webhooks were delivered. One small interface, so that several server instances can share it
 * (pass a shared implementation as `createUploadHandler({ store })`); the default lives in one
 * process's memory ({@link createMemoryStore}).
 *
 * Values are strings (JSON where structured). Every write carries a time to live: nothing the
 * handler keeps outlives the token or webhook window it guards.
 */
export interface StateStore {
  /** The value under `key`, or undefined when it is absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs`, replacing any value. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Stores `value` under `key` for `ttlMs` only if the key is absent (or expired); true when
   * this call stored it. Atomic for every user of the store: of two concurrent callers, one wins.
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
}
