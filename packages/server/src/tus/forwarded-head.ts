import { readForwardingRecord } from "./forwarding-record";
import type { TusCall } from "./tus-call";

/**
 * tus's answer to a HEAD on an upload whose bytes were all received and then sent on (so removed
 * from the store): all there, `Upload-Offset` = `Upload-Length`. A client whose answer to the last
 * PATCH was lost asks this way, and must hear "done" (then it asks the result), not 404, which
 * would make it upload the whole file again. Undefined when the caller has no such upload.
 */
export async function forwardedHead(call: TusCall, id: string): Promise<Response | undefined> {
  const record = await readForwardingRecord(call.ctx.store, id);
  if (!record || record.owner !== call.owner || record.profile !== call.profile.name) return;
  return new Response(null, {
    status: 200,
    headers: {
      "tus-resumable": "1.0.0",
      "upload-offset": String(record.size),
      "upload-length": String(record.size),
      "cache-control": "no-store",
    },
  });
}
