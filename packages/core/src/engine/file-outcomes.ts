import { UploadError } from "../upload-error";
import type { UploadResult } from "../upload-result";
import type { Entry, QueueState } from "./engine-state";
import type { UploadFile, UploadTransport } from "./uploader-types";
import { watchProcessing } from "./watch-processing";

/** What a transport's upload resolves with. */
export type UploadOutcome = Awaited<ReturnType<UploadTransport["upload"]>>;

/** The file is stored: `success` with ImageKit's result and the server's data. */
export function succeed<TInput, TData>(
  queue: QueueState<TInput, TData>,
  entry: Entry<TData>,
  { result, data, processing }: UploadOutcome,
): void {
  queue.meter.stop(entry);
  queue.update(entry, {
    status: "success",
    bytesSent: entry.view.size,
    progress: 1,
    eta: 0,
    error: undefined,
    result,
    data: data as TData,
    ...(processing ? { processing } : {}),
  });
  if (processing && processing.pending.length > 0) watchProcessing(queue, entry, result.fileId);
  queue.emit(
    queue.callbacks.onUploadComplete,
    entry.view as UploadFile<TData> & { result: UploadResult; data: TData },
  );
}

/** The file failed for good (after its retries, if the error allowed any). */
export function fail<TInput, TData>(
  queue: QueueState<TInput, TData>,
  entry: Entry<TData>,
  error: UploadError,
): void {
  queue.meter.stop(entry);
  queue.update(entry, { status: "error", error, speed: 0, eta: undefined });
  queue.emit(queue.callbacks.onUploadError, entry.view, error);
}

/** Why there is no config to check and send a file with. */
export function configFailure<TInput, TData>(queue: QueueState<TInput, TData>): UploadError {
  return queue.configError() ?? new UploadError("not-found", "No config");
}
