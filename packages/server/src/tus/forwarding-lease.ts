import { randomUUID } from "node:crypto";
import type { StateStore } from "../state/state-store";

/**
 * Who is forwarding an upload to ImageKit right now: a lease in the handler's store, taken with
 * `setIfAbsent` and renewed while the forward runs. A forward whose process died stops renewing
 * it; once it lapses, the next result request for the finished upload starts the forward again
 * from the stored bytes (`resumeForwarding`), so a restart never strands a finished upload.
 */
export interface ForwardingLease {
  /** Stops renewing and gives the lease up (only if it is still ours). */
  release(): Promise<void>;
}

/** How long a lease lasts without renewal: longer than any pause between two renewals. */
export const LEASE_MS = 30_000;
const RENEW_MS = LEASE_MS / 3;

const keyOf = (id: string) => `upkit:tus-forwarding:${id}`;

/** Takes the lease on forwarding upload `id`, or resolves undefined when someone holds it. */
export async function takeForwardingLease(
  store: StateStore,
  id: string,
  onError: (error: unknown) => void,
): Promise<ForwardingLease | undefined> {
  const holder = randomUUID();
  if (!(await store.setIfAbsent(keyOf(id), holder, LEASE_MS))) return undefined;
  // Renewed only while still ours: a forward that lost it (stalled past the lease) takes no
  // other forward's lease over.
  const renew = setInterval(() => {
    store.extendIf(keyOf(id), holder, LEASE_MS).catch(onError);
  }, RENEW_MS);
  renew.unref();
  return {
    async release() {
      clearInterval(renew);
      await store.deleteIf(keyOf(id), holder);
    },
  };
}

/** Whether a live forward holds the lease on upload `id`. */
export async function isBeingForwarded(store: StateStore, id: string): Promise<boolean> {
  return (await store.get(keyOf(id))) !== undefined;
}
