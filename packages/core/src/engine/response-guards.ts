import type { QueuedState, SignResponse } from "../protocol";
import type { UploadResult } from "../upload-result";

/**
 * Light checks of what our own route answers, for the browser. The zod schemas in protocol.ts
 * describe the same bodies, but importing zod would put all of it in every app's bundle (tens
 * of KB gzipped) to re-check answers our own server built from those schemas; so the engine
 * checks only what it relies on, and anything else reads as "unexpected answer".
 */
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function isSignResponse(body: unknown): body is SignResponse {
  return (
    isObject(body) &&
    Array.isArray(body.files) &&
    body.files.every(
      (file) =>
        isObject(file) &&
        typeof file.uploadUrl === "string" &&
        isObject(file.fields) &&
        Object.values(file.fields).every((value) => typeof value === "string") &&
        typeof file.completionToken === "string",
    )
  );
}

export function isUploadResult(body: unknown): body is UploadResult {
  return (
    isObject(body) &&
    typeof body.fileId === "string" &&
    typeof body.name === "string" &&
    typeof body.url === "string" &&
    typeof body.filePath === "string"
  );
}

type Processing = { pending: string[]; done: string[]; failed: string[] };

export function isProcessingState(body: unknown): body is Processing {
  const strings = (value: unknown) =>
    Array.isArray(value) && value.every((item) => typeof item === "string");
  return isObject(body) && strings(body.pending) && strings(body.done) && strings(body.failed);
}

export function isCompleteResponse(
  body: unknown,
): body is { file: UploadResult; data: unknown; processing?: Processing } {
  return (
    isObject(body) &&
    isUploadResult(body.file) &&
    (body.processing === undefined || isProcessingState(body.processing))
  );
}

/** ImageKit queued the upload: the route's 202 while the file is not stored yet. */
export function isQueuedState(body: unknown): body is QueuedState {
  return isObject(body) && body.state === "queued" && typeof body.completionToken === "string";
}
