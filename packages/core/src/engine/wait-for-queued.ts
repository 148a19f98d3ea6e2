import type { QueuedState } from "../protocol";
import { backoffDelay } from "../retry/backoff-delay";
import { sleep } from "../retry/sleep";
import { UploadError } from "../upload-error";
import { QUEUED_POLL_MS, QUEUED_WAIT_MS } from "./defaults";
import { expectShape, fetchJson } from "./fetch-json";
import { isCompleteResponse, isQueuedState } from "./response-guards";
import type { UploadContext, UploadTransport } from "./uploader-types";

type UploadOutcome = Awaited<ReturnType<UploadTransport["upload"]>>;

/**
 * ImageKit queued the upload (a video's pre-transformation): the file exists only once the
 * transformation ran, minutes later maybe. Asks `complete` with `{ queued: true }` until the
 * route answers with the stored file, or with the error ImageKit reported. The bytes are
 * already at ImageKit, so nothing here may fail the attempt on a passing error: a retry of the
 * attempt would upload the file again and store it twice. Loaded only when a 202 comes.
 */
export async function waitForQueued(
  queued: QueuedState,
  { endpoint, profile, input, fetch, signal, onQueued }: UploadContext,
): Promise<UploadOutcome> {
  const url = `${endpoint}/${encodeURIComponent(profile)}/complete`;
  const body = { queued: true, completionToken: queued.completionToken, input };
  const deadline = Date.now() + QUEUED_WAIT_MS;
  onQueued?.();
  for (let failures = 0; Date.now() < deadline; ) {
    let answer: unknown;
    try {
      answer = await fetchJson(fetch, url, { method: "POST", body, signal });
    } catch (caught) {
      if (!(caught instanceof UploadError) || !caught.retryable) throw caught;
      await sleep(backoffDelay(failures++, caught.retryAfter), signal);
      continue;
    }
    failures = 0;
    if (!isQueuedState(answer)) {
      const completed = expectShape(isCompleteResponse, answer, url);
      return {
        result: completed.file,
        data: completed.data,
        ...(completed.processing ? { processing: completed.processing } : {}),
      };
    }
    await sleep(QUEUED_POLL_MS, signal);
  }
  // Not retryable: ImageKit has the bytes and may still store the file.
  throw new UploadError(
    "upload-failed",
    "ImageKit accepted the file but has not stored it yet; it may still appear later.",
  );
}
