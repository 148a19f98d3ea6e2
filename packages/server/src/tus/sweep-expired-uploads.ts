import type { StateStore } from "../state/state-store";
import { isBeingForwarded } from "./forwarding-lease";
import type { ReadableDataStore } from "./tus-options";

/** A store that can list its uploads (`FileStore`'s configstores can). */
interface ListingStore {
  configstore?: { list?: () => Promise<string[]> };
}

/**
 * Removes the uploads created more than `expiresInMs` ago, except those a forward holds: the
 * incomplete ones, and the finished ones that a forward which died left behind and whose owner
 * never asked for the result again (that ask would have forwarded them). Returns how many.
 *
 * Not tus's `deleteExpired` for a listing store: `FileStore`'s reads the offset from the
 * metadata file, which stays 0, so it would remove a finished upload in the middle of its
 * forward. A store that cannot list (e.g. `S3Store`) keeps its own `deleteExpired`.
 */
export async function sweepExpiredUploads(
  datastore: ReadableDataStore,
  store: StateStore,
  expiresInMs: number,
): Promise<number> {
  const configstore = (datastore as ListingStore).configstore;
  if (!configstore?.list) return datastore.deleteExpired();
  const expired = Date.now() - expiresInMs;
  let removed = 0;
  for (const id of await configstore.list()) {
    const upload = await datastore.getUpload(id).catch(() => undefined);
    if (!upload || !(Date.parse(upload.creation_date ?? "") < expired)) continue;
    const finished = upload.size !== undefined && upload.offset >= upload.size;
    if (finished && (await isBeingForwarded(store, id))) continue;
    await datastore.remove(id).catch(() => {});
    removed++;
  }
  return removed;
}
