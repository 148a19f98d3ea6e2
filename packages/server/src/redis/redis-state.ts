import type { Locker } from "@tus/server";
import type { SharedState } from "../state/state-store";
import { createRedisConfigstore, type RedisConfigstore } from "./redis-configstore";
import { defineScript, openRedisConnection, type RedisClient } from "./redis-connection";
import { createRedisLocker, DELETE_IF_HELD, EXTEND_IF_HELD } from "./redis-locker";

export type { RedisClient } from "./redis-connection";

export interface RedisStateOptions {
  /**
   * `redis[s]://[[user][:password]@]host[:port][/db]` (or `unix://`). Default: the `REDIS_URL`
   * environment variable. Either this or `client`.
   */
  url?: string;
  /**
   * A node-redis 6 client to use instead of `url` (for TLS certificates, a credentials
   * provider or other client options). Connected on first use if it is not open yet;
   * `close()` leaves it open.
   */
  client?: RedisClient;
  /** Prepended to every key and channel, to share one Redis database. Default `""`. */
  keyPrefix?: string;
  /** Longest a call waits, for a connection and for Redis's answer, ms. Default 1000. */
  timeoutMs?: number;
  /** How long a tus lock outlives its holder, ms; refreshed every third. Default 10,000. */
  lockTtlMs?: number;
  /** How long a tus request waits for a held lock, ms. Default 30,000 (as `MemoryLocker`). */
  acquireLockTimeoutMs?: number;
  /**
   * Failures nobody awaits: Redis lost (once per outage), a lock refresh or release that
   * failed. Default `console.error`.
   */
  onError?: (error: unknown) => void;
}

/** A {@link SharedState} in Redis: the handler's state, tus's locker and its upload metadata. */
export interface RedisState extends SharedState {
  /** A tus `Locker` that holds across processes. */
  readonly tusLocker: Locker;
  /** `FileStore`'s `configstore` for a directory shared by several instances; it can list. */
  readonly tusConfigstore: RedisConfigstore;
  /** Connects now and checks that Redis answers; rejects with `StateUnavailableError`. */
  ready(): Promise<void>;
  /** Closes the connections it opened and stops lock refreshes (held locks then expire). */
  close(): Promise<void>;
}

// Lua scripts run atomically in Redis: nothing runs between their reads and writes. With
// `DELETE_IF_HELD` and `EXTEND_IF_HELD` (shared with the locker), these are all of them.

// A fixed window: only a counter without a time to live (a new one) gets one.
const INCREMENT = defineScript(
  "local n = redis.call('incr', KEYS[1]) if redis.call('pttl', KEYS[1]) == -1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return n",
);
const ADD_TO_SET = defineScript(
  "for i = 2, #ARGV do redis.call('sadd', KEYS[1], ARGV[i]) end redis.call('pexpire', KEYS[1], ARGV[1]) return 1",
);

/**
 * The handler's state in Redis, shared by every instance that names the same Redis: pass it as
 * `createUploadHandler({ state: redisState({ url }) })`. Connects on first use (so importing or
 * building the app needs no Redis), reconnects by itself, and never waits longer than
 * `timeoutMs`: while Redis cannot be reached every call rejects with `StateUnavailableError`.
 */
export function redisState(options: RedisStateOptions = {}): RedisState {
  const keyPrefix = options.keyPrefix ?? "";
  const timeoutMs = positive(options.timeoutMs ?? 1_000, "timeoutMs");
  const lockTtlMs = positive(options.lockTtlMs ?? 10_000, "lockTtlMs");
  const acquireLockTimeoutMs = positive(
    options.acquireLockTimeoutMs ?? 30_000,
    "acquireLockTimeoutMs",
  );
  const url = options.client ? undefined : (options.url ?? process.env.REDIS_URL);
  if (!options.client && !url) {
    throw new Error("redisState needs `url` (or the REDIS_URL environment variable) or `client`");
  }
  const connection = openRedisConnection({
    url,
    client: options.client,
    timeoutMs,
    onError: options.onError ?? ((error: unknown) => console.error("upkit:", error)),
  });
  const run = connection.run;
  const key = (name: string) => keyPrefix + name;
  const ttl = (ms: number) => Math.max(1, Math.ceil(ms));
  const locker = createRedisLocker(connection, {
    keyPrefix,
    ttlMs: lockTtlMs,
    acquireTimeoutMs: acquireLockTimeoutMs,
  });

  return {
    async get(name) {
      const value = await run((client) => orIfWrongType(client.get(key(name)), null));
      return value === null || value === undefined ? undefined : String(value);
    },
    async set(name, value, ttlMs) {
      await run((client) =>
        client.set(key(name), value, { expiration: { type: "PX", value: ttl(ttlMs) } }),
      );
    },
    async setIfAbsent(name, value, ttlMs) {
      const reply = await run((client) =>
        client.set(key(name), value, {
          condition: "NX",
          expiration: { type: "PX", value: ttl(ttlMs) },
        }),
      );
      return reply !== null && reply !== undefined;
    },
    async delete(name) {
      await run((client) => client.del(key(name)));
    },
    async deleteIf(name, value) {
      return Number(await connection.script(DELETE_IF_HELD, [key(name)], [value])) === 1;
    },
    async extendIf(name, value, ttlMs) {
      const reply = await connection.script(
        EXTEND_IF_HELD,
        [key(name)],
        [value, String(ttl(ttlMs))],
      );
      return Number(reply) === 1;
    },
    async increment(name, ttlMs) {
      return Number(await connection.script(INCREMENT, [key(name)], [String(ttl(ttlMs))]));
    },
    async addToSet(name, members, ttlMs) {
      await connection.script(ADD_TO_SET, [key(name)], [String(ttl(ttlMs)), ...members]);
    },
    async setMembers(name) {
      const members = await run((client) => orIfWrongType(client.sMembers(key(name)), []));
      return Array.from(members, String);
    },
    tusLocker: locker,
    tusConfigstore: createRedisConfigstore(connection, keyPrefix),
    ready: connection.ready,
    async close() {
      locker.stop();
      await connection.close();
    },
  };
}

/** A key of the other kind (a set read as a string, or the reverse) reads as absent, as in memory. */
async function orIfWrongType<T, F>(reply: Promise<T>, fallback: F): Promise<T | F> {
  try {
    return await reply;
  } catch (error) {
    if (String((error as Error)?.message).startsWith("WRONGTYPE")) return fallback;
    throw error;
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`redisState: ${name} must be a positive whole number of milliseconds`);
  }
  return value;
}
