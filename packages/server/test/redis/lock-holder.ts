// A second process for redis-locker.test.ts: takes the tus lock on one upload, says so, and
// holds it (refreshing) until it is killed. Run through tsx, from `src`.
import { redisState } from "../../src/redis/redis-state";

const state = redisState({
  url: process.env.UPKIT_REDIS_URL,
  keyPrefix: process.env.UPKIT_KEY_PREFIX,
  lockTtlMs: Number(process.env.UPKIT_LOCK_TTL_MS),
});
const lock = state.tusLocker.newLock(process.env.UPKIT_UPLOAD_ID ?? "upload");
await lock.lock(new AbortController().signal, () => {
  // Deaf on purpose: a process that hangs, then dies, never releases.
});
process.stdout.write("locked\n");
setInterval(() => {}, 60_000);
