import type { CompleteResponse, ErrorBody, ForwardingState, QueuedState } from "@upkit/core";
import type { StateStore } from "../state/state-store";

/**
 * How forwarding an upload to ImageKit goes, in the handler's store so that any instance sharing
 * it can answer `GET {profile}/tus/{id}/result`: the answer's status and body, with the owner
 * and profile the result route checks.
 */
export interface ForwardingRecord {
  owner: string;
  profile: string;
  /** The upload's byte count: a HEAD after the stored bytes are gone still says "all there". */
  size: number;
  status: number;
  /** 202 `ForwardingState` while forwarding; 202 `QueuedState` once ImageKit queued the file. */
  body: ForwardingState | QueuedState | CompleteResponse | ErrorBody;
}

/** How long a result is kept for the browser to fetch. */
export const RESULT_TTL_MS = 24 * 60 * 60 * 1000;

const keyOf = (id: string) => `upkit:tus-result:${id}`;

export async function readForwardingRecord(
  store: StateStore,
  id: string,
): Promise<ForwardingRecord | undefined> {
  const text = await store.get(keyOf(id));
  return text === undefined ? undefined : (JSON.parse(text) as ForwardingRecord);
}

export function writeForwardingRecord(
  store: StateStore,
  id: string,
  record: ForwardingRecord,
): Promise<void> {
  return store.set(keyOf(id), JSON.stringify(record), RESULT_TTL_MS);
}

/** True while the record says a forward is under way (not its outcome, queued or not). */
export const isForwarding = (record: ForwardingRecord) =>
  "state" in record.body && record.body.state === "forwarding";
