import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { ERRORS, type Lock, type Locker, type RequestRelease } from "@tus/server";
import { defineScript, type RedisConnection } from "./redis-connection";

export interface RedisLockerOptions {
  /** Prepended to the lock keys and release channels. */
  keyPrefix: string;
  /** How long a lock outlives its holder's last refresh; refreshed every third of it. */
  ttlMs: number;
  /** How long `lock()` waits for a held lock before `ERR_LOCK_TIMEOUT`. */
  acquireTimeoutMs: number;
}

/** A tus `Locker` whose locks hold across processes; `stop()` ends every refresh (at close). */
export interface RedisLocker extends Locker {
  stop(): void;
}

// Only the holder (same value) may renew or remove: a lock that expired and was taken by
// another request is left alone. Also `StateStore`'s `extendIf` and `deleteIf`.
export const EXTEND_IF_HELD = defineScript(
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0",
);
export const DELETE_IF_HELD = defineScript(
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
);

/** The first retry of a held lock, doubled up to the last: a handover costs at most ~100 ms. */
const FIRST_RETRY_MS = 10;
const LAST_RETRY_MS = 100;
/** A waiter asks again this often: an ask sent before the holder listened is not lost for long. */
const ASK_AGAIN_MS = 500;

/**
 * tus's lock, shared by every process on one Redis. A lock is a key holding a random token,
 * taken with `SET NX PX`, renewed while held (`lockTtl`/3) and freed by its holder only (Lua);
 * a holder that dies leaves it to expire. The holder listens on the upload's release channel, on
 * a second connection: a request that finds the lock held publishes there, which runs the
 * holder's `requestRelease` (tus then ends the holder's request), and retries until it gets the
 * lock, its request is aborted, or `acquireTimeoutMs` passes (`ERR_LOCK_TIMEOUT`, as tus's
 * `MemoryLocker`).
 */
export function createRedisLocker(
  connection: RedisConnection,
  options: RedisLockerOptions,
): RedisLocker {
  const held = new Set<RedisLock>();
  return {
    newLock: (id) => new RedisLock(id, connection, options, held),
    stop() {
      for (const lock of held) lock.stopRefreshing();
      held.clear();
    },
  };
}

class RedisLock implements Lock {
  readonly #key: string;
  readonly #channel: string;
  #token: string | undefined;
  #refresh: NodeJS.Timeout | undefined;
  #onAsk: ((message: string) => void) | undefined;

  constructor(
    id: string,
    private readonly connection: RedisConnection,
    private readonly options: RedisLockerOptions,
    private readonly held: Set<RedisLock>,
  ) {
    this.#key = `${options.keyPrefix}upkit:tus-lock:${id}`;
    this.#channel = `${options.keyPrefix}upkit:tus-lock-release:${id}`;
  }

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    if (this.#token) throw new Error("This lock is already held");
    const { connection, options } = this;
    const token = randomUUID();
    const deadline = Date.now() + options.acquireTimeoutMs;
    let delay = FIRST_RETRY_MS;
    let askedAt = Number.NEGATIVE_INFINITY;
    for (;;) {
      if (signal.aborted) throw ERRORS.ERR_LOCK_TIMEOUT;
      const taken = await connection.run((client) =>
        client.set(this.#key, token, {
          condition: "NX",
          expiration: { type: "PX", value: options.ttlMs },
        }),
      );
      if (taken !== null && taken !== undefined) break;
      if (Date.now() - askedAt >= ASK_AGAIN_MS) {
        await connection.run((client) => client.publish(this.#channel, "release"));
        askedAt = Date.now();
      }
      const left = deadline - Date.now();
      if (left <= 0) throw ERRORS.ERR_LOCK_TIMEOUT;
      await sleep(Math.min(delay, left), undefined, { signal }).catch(() => {});
      delay = Math.min(delay * 2, LAST_RETRY_MS);
    }

    // Held (even if `signal` aborted meanwhile: tus unlocks what it got).
    this.#token = token;
    const onAsk = () => {
      if (this.#token !== token) return;
      Promise.resolve()
        .then(requestRelease)
        .catch((error) => connection.report(error));
    };
    try {
      await connection.subscribe(this.#channel, onAsk);
    } catch (error) {
      // Unreachable when asked to release: give the lock back rather than hold it deaf.
      this.#token = undefined;
      await connection.script(DELETE_IF_HELD, [this.#key], [token]).catch(() => {});
      throw error;
    }
    this.#onAsk = onAsk;
    this.held.add(this);
    this.#refresh = setInterval(() => this.#renew(token, requestRelease), options.ttlMs / 3);
    this.#refresh.unref();
  }

  async unlock(): Promise<void> {
    const token = this.#token;
    // As MemoryLocker: unlocking what this lock does not hold is a bug in the caller.
    if (!token) throw new Error("Releasing an unlocked lock!");
    this.#token = undefined;
    this.stopRefreshing();
    this.held.delete(this);
    const onAsk = this.#onAsk;
    this.#onAsk = undefined;
    // Never rejects for Redis: the request is done either way, and a lock that could not be
    // deleted expires after its TTL.
    await Promise.all([
      this.connection
        .script(DELETE_IF_HELD, [this.#key], [token])
        .catch((error) => this.connection.report(error)),
      onAsk &&
        this.connection
          .unsubscribe(this.#channel, onAsk)
          .catch((error) => this.connection.report(error)),
    ]);
  }

  stopRefreshing(): void {
    clearInterval(this.#refresh);
    this.#refresh = undefined;
  }

  async #renew(token: string, requestRelease: RequestRelease): Promise<void> {
    try {
      const renewed = await this.connection.script(
        EXTEND_IF_HELD,
        [this.#key],
        [token, String(this.options.ttlMs)],
      );
      if (this.#token !== token || Number(renewed) === 1) return;
      // Expired (Redis was out longer than the TTL) and maybe taken: stop, and end the request.
      this.stopRefreshing();
      await requestRelease();
    } catch (error) {
      // Next period tries again; the TTL covers two missed renewals.
      this.connection.report(error);
    }
  }
}
