import { checkFiles } from "../check-file";
import { backoffDelay } from "../retry/backoff-delay";
import { sleep } from "../retry/sleep";
import { UploadError } from "../upload-error";
import { acceptedCount } from "./add-files";
import { chooseTransport } from "./choose-transport";
import type { Entry, QueueState, Run } from "./engine-state";
import { configFailure, fail, succeed } from "./file-outcomes";
import { toUploadError } from "./to-upload-error";
import type { UploadTransport } from "./uploader-types";

/**
 * One file's run: makes sure it can go (config, restrictions, transport), then tries until it
 * succeeds, fails for good, or is stopped (canceled, paused, removed, destroyed: `run` is then
 * no longer the file's, and nothing it finishes counts).
 */
export async function runUpload<TInput, TData>(
  queue: QueueState<TInput, TData>,
  entry: Entry<TData>,
  run: Run,
): Promise<void> {
  const signal = run.controller.signal;
  const isCurrent = () => entry.run === run && !signal.aborted;
  // No await when the config is there: the upload starts synchronously with its run.
  if (!queue.config()) await queue.loadConfig();
  if (!isCurrent()) return;
  const transport = prepare(queue, entry);
  if (!transport) return;
  for (let retry = 0; ; retry++) {
    try {
      const outcome = await attempt(queue, entry, transport, signal, isCurrent);
      if (isCurrent()) succeed(queue, entry, outcome);
      return;
    } catch (caught) {
      // Canceled, paused, removed or destroyed: the abort is ours, not a failure.
      if (!isCurrent()) return;
      const error = toUploadError(caught);
      // Only the kit's own errors say whether a retry may help; anything else is a bug.
      if (!(caught instanceof UploadError && error.retryable) || retry >= queue.retries) {
        return fail(queue, entry, error);
      }
      queue.meter.stop(entry);
      queue.update(entry, { error, speed: 0, eta: undefined });
      try {
        await sleep(backoffDelay(retry, error.retryAfter), signal);
      } catch {
        return;
      }
      if (!isCurrent()) return;
    }
  }
}

/** The file's transport, when there is a config and the file passes its checks; else it ends. */
function prepare<TInput, TData>(
  queue: QueueState<TInput, TData>,
  entry: Entry<TData>,
): UploadTransport | undefined {
  const config = queue.config();
  if (!config) return void fail(queue, entry, configFailure(queue));
  if (!entry.checked) {
    // Added while the config was unavailable: check it now, like `addFiles` would have.
    entry.checked = true;
    const [rejection] = checkFiles(
      config.restrictions,
      [entry.view.file],
      acceptedCount(queue, entry),
    );
    if (rejection) {
      queue.scheduler.stopRun(entry);
      queue.update(entry, { status: "rejected", rejection, error: undefined });
      return;
    }
  }
  const transport = chooseTransport(queue, entry.view.file, config.transports);
  if (transport instanceof UploadError) return void fail(queue, entry, transport);
  entry.transportImpl = transport;
  return transport;
}

/** One attempt at sending the file. */
function attempt<TInput, TData>(
  queue: QueueState<TInput, TData>,
  entry: Entry<TData>,
  transport: UploadTransport,
  signal: AbortSignal,
  isCurrent: () => boolean,
) {
  const { file } = entry.view;
  // A resumable transport reports progress from where it resumes; the others start over.
  const bytesSent = transport.canResume ? entry.view.bytesSent : 0;
  queue.meter.begin(entry, bytesSent);
  queue.update(entry, {
    status: "uploading",
    transport: transport.name,
    attempts: entry.view.attempts + 1,
    error: undefined,
    bytesSent,
    progress: file.size > 0 ? bytesSent / file.size : 0,
    speed: 0,
    eta: undefined,
    // Only tus sends the bytes to our server first, and then on to ImageKit.
    ...(transport.name === "tus" ? { phase: "uploading" as const, forwardedBytes: undefined } : {}),
  });
  const input = queue.callbacks.input;
  return transport.upload({
    file,
    profile: queue.profile,
    input: typeof input === "function" ? (input as (file: File) => TInput)(file) : input,
    signal,
    onProgress: (bytes) => {
      if (isCurrent()) queue.meter.report(entry, bytes);
    },
    onForwarding: (bytes) => {
      if (!isCurrent()) return;
      queue.meter.stop(entry);
      queue.update(entry, { status: "processing", phase: "forwarding", forwardedBytes: bytes });
    },
    onResumed: (offset) => {
      if (isCurrent()) queue.update(entry, { resumedFrom: offset });
    },
    onQueued: () => {
      if (!isCurrent()) return;
      queue.meter.stop(entry);
      queue.update(entry, { status: "processing", phase: "queued" });
    },
    endpoint: queue.endpoint,
    fetch: queue.fetch,
  });
}
