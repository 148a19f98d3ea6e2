import type { Upload } from "@tus/server";
import type { UploadError } from "@upkit/core";
import { json } from "../http/responses";
import { forwardFinishedUpload } from "./forward-finished-upload";
import { readForwardingRecord, writeForwardingRecord } from "./forwarding-record";
import type { UploadMetadata } from "./read-creation";
import type { TusCall } from "./tus-call";

/**
 * Forwards again a finished upload that no forward holds: the process forwarding it died (a
 * restart, a crash, a scaled-down instance) and left its bytes in the store. Asked by the upload's
 * owner, so the forward runs with their `authorize` result, as the first one would have. Answers
 * as the result route does: 202 while forwarding, or the refusal when the bytes fail the checks.
 */
export async function resumeForwarding(call: TusCall, upload: Upload): Promise<Response> {
  const { ctx, tus, profile, auth, request } = call;
  const metadata = upload.metadata as unknown as UploadMetadata;
  try {
    await forwardFinishedUpload(ctx, tus.datastore, { upload, profile, auth, request });
  } catch (error) {
    // The bytes are gone (removed by the check): later asks hear the same refusal.
    const failure = error as UploadError;
    const status = failure.status ?? 500;
    const { owner, profile: profileName } = metadata;
    const size = upload.size ?? upload.offset;
    const record = { owner, profile: profileName, size, status, body: failure.toJSON() };
    await writeForwardingRecord(ctx.store, upload.id, record);
    throw failure;
  }
  // Ours, or a concurrent ask's that took the lease first.
  const record = await readForwardingRecord(ctx.store, upload.id);
  if (record) return json(record.body, record.status);
  return json({ state: "forwarding", bytesSent: 0, size: upload.size ?? upload.offset }, 202);
}
