import { UploadError } from "@upkit/core";
import { json } from "../http/responses";
import { readForwardingRecord } from "../tus/forwarding-record";
import { ownedUpload, unknownUpload } from "../tus/owned-upload";
import type { TusCall } from "../tus/tus-call";

/**
 * `GET {profile}/tus/{id}/result`: how forwarding the finished upload to ImageKit goes. 202
 * `ForwardingState` while it runs, 200 `CompleteResponse`, or the error's status and `ErrorBody`;
 * 409 while the upload still misses bytes; 404 for an unknown, expired or another caller's id.
 * tus-js-client may report success when the finish failed (tus-js-client #557): this is the
 * answer the browser waits for.
 */
export async function tusResultRoute(call: TusCall, id: string): Promise<Response> {
  const record = await readForwardingRecord(call.ctx.store, id);
  if (record) {
    if (record.owner !== call.owner || record.profile !== call.profile.name) throw unknownUpload();
    return json(record.body, record.status);
  }
  // Not finished yet: only its owner learns that it exists.
  await ownedUpload(call, id);
  throw new UploadError("conflict", "The upload has not received all its bytes yet.");
}
