import type { ForwardingState } from "../protocol";
import { sleep } from "../retry/sleep";
import { TUS_RESULT_POLL_MS } from "./defaults";
import { expectShape, fetchJson } from "./fetch-json";
import { isCompleteResponse, isQueuedState } from "./response-guards";
import type { UploadContext, UploadTransport } from "./uploader-types";

type UploadOutcome = Awaited<ReturnType<UploadTransport["upload"]>>;

function isForwardingState(body: unknown): body is ForwardingState {
  const state = body as Partial<ForwardingState> | null;
  return (
    typeof state === "object" &&
    state?.state === "forwarding" &&
    typeof state.bytesSent === "number" &&
    typeof state.size === "number"
  );
}

/**
 * Waits for the server to have sent the file on to ImageKit: `GET {uploadUrl}/result` answers
 * 202 with how far it got, then 200 with the stored file, or the error. tus-js-client's success
 * says only that the bytes reached our server; it may even report success when the server's
 * finish hook failed (tus-js-client #557), so the file succeeds on this route's word alone.
 */
export async function pollTusResult(
  uploadUrl: string,
  context: UploadContext,
): Promise<UploadOutcome> {
  const { fetch, signal, file, onForwarding } = context;
  const url = `${uploadUrl}/result`;
  onForwarding?.(0, file.size);
  for (;;) {
    const body = await fetchJson(fetch, url, { signal });
    if (isForwardingState(body)) {
      onForwarding?.(body.bytesSent, body.size);
      await sleep(TUS_RESULT_POLL_MS, signal);
      continue;
    }
    if (isQueuedState(body)) {
      const { waitForQueued } = await import("./wait-for-queued");
      return waitForQueued(body, context);
    }
    const completed = expectShape(isCompleteResponse, body, url);
    return {
      result: completed.file,
      data: completed.data,
      ...(completed.processing ? { processing: completed.processing } : {}),
    };
  }
}
