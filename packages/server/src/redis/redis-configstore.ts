import type { KvStore, Upload } from "@tus/server";
import type { RedisConnection } from "./redis-connection";

/** A `KvStore` that can list its ids (the expiry sweep needs it). */
export type RedisConfigstore = KvStore<Upload> & { list(): Promise<string[]> };

/**
 * Where `FileStore` keeps each upload's metadata (its `configstore`), in Redis, so that every
 * instance on a shared directory sees every upload. One JSON string per upload under
 * `{keyPrefix}upkit:tus-upload:{id}`, without a TTL: an upload lives until it is removed
 * (finished, terminated or swept when expired), as with tus's file configstore.
 *
 * Not tus's `RedisKvStore`: its types want a node-redis 5 client, its `list()` returns the
 * keys with their prefix where `FileStore` expects ids, and it has no timeout.
 */
export function createRedisConfigstore(
  connection: RedisConnection,
  keyPrefix: string,
): RedisConfigstore {
  const prefix = `${keyPrefix}upkit:tus-upload:`;
  const pattern = `${escapeGlob(prefix)}*`;
  return {
    async get(id) {
      const text = await connection.run((client) => client.get(prefix + id));
      return text === null || text === undefined ? undefined : (JSON.parse(String(text)) as Upload);
    },
    async set(id, upload) {
      const text = JSON.stringify(upload);
      await connection.run((client) => client.set(prefix + id, text));
    },
    async delete(id) {
      await connection.run((client) => client.del(prefix + id));
    },
    async list() {
      // SCAN, never KEYS: it does not block Redis. Each step has its own timeout.
      const ids = new Set<string>();
      let cursor = "0";
      do {
        const reply = await connection.run((client) =>
          client.scan(cursor, { MATCH: pattern, COUNT: 200 }),
        );
        for (const key of reply.keys) ids.add(String(key).slice(prefix.length));
        cursor = String(reply.cursor);
      } while (cursor !== "0");
      return [...ids];
    },
  };
}

/** `keyPrefix` taken literally in a SCAN `MATCH` pattern. */
const escapeGlob = (text: string) => text.replace(/[\\*?[\]]/g, "\\$&");
