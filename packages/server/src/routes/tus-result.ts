import { UploadError } from "@upkit/core";
import { json } from "../http/responses";
import { isBeingForwarded } from "../tus/forwarding-lease";
import {
  type ForwardingRecord,
  isForwarding,
  readForwardingRecord,
} from "../tus/forwarding-record";
import { ownedUpload, unknownUpload } from "../tus/owned-upload";
import { resumeForwarding } from "../tus/resume-forwarding";
import type { TusCall } from "../tus/tus-call";

/**
 * `GET {profile}/tus/{id}/result`: how forwarding the finished upload to ImageKit goes. 202
 * `ForwardingState` while it runs, 200 `CompleteResponse`, or the error's status and `ErrorBody`;
 * 409 while the upload still misses bytes; 404 for an unknown, expired or another caller's id.
 * tus-js-client may report success when the finish failed (tus-js-client #557): this is the
 * answer the browser waits for. A finished upload that no live forward holds (its process died)
 * is forwarded again from the stored bytes.
 */
export async function tusResultRoute(call: TusCall, id: string): Promise<Response> {
  const record = await currentRecord(call, id);
  if (record) return json(record.body, record.status);
  // Not forwarded or forwarding: only its owner learns that it exists.
  const upload = await ownedUpload(call, id);
  if (upload.size === undefined || upload.offset < upload.size) {
    throw new UploadError("conflict", "The upload has not received all its bytes yet.");
  }
  return resumeForwarding(call, upload);
}

/** The caller's record, unless it says "forwarding" while no forward holds the upload. */
async function currentRecord(call: TusCall, id: string): Promise<ForwardingRecord | undefined> {
  const { store } = call.ctx;
  const record = await readForwardingRecord(store, id);
  if (!record) return undefined;
  if (record.owner !== call.owner || record.profile !== call.profile.name) throw unknownUpload();
  if (!isForwarding(record) || (await isBeingForwarded(store, id))) return record;
  // The forward may have ended between the two reads: its outcome is then recorded.
  const again = await readForwardingRecord(store, id);
  return again && !isForwarding(again) ? again : undefined;
}
