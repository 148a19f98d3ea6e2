import { checkFiles } from "../check-file";
import type { Transport } from "../protocol";
import { UploadError } from "../upload-error";
import type { UploadResult } from "../upload-result";
import { backoffDelay, sleep } from "./backoff-delay";
import { PROCESSING_POLL_MS, PROGRESS_INTERVAL_MS, TUS_THRESHOLD_BYTES } from "./defaults";
import { ACTIVE, type EngineState, type Entry, type Run } from "./engine-state";
import { fetchJson } from "./fetch-json";
import { isProcessingState } from "./response-guards";
import { toUploadError } from "./to-upload-error";
import type { Uploader, UploaderActions, UploadFile, UploadTransport } from "./uploader-types";

/** Weight of the newest sample in the speed's moving average. */
const SPEED_SMOOTHING = 0.3;

type Processing = NonNullable<UploadFile["processing"]>;

/** The part of the engine that handles files, loaded by `createUploader` with the first file. */
export type UploadQueue<TData> = UploaderActions<TData> &
  Pick<Uploader<TData>, "settled" | "destroy">;

/**
 * The queue over the engine's store: checks and queues files, runs at most `concurrency` at a
 * time, retries with backoff, throttles progress and measures speed, and follows the
 * post-transformations of stored files.
 */
export function createUploadQueue<TInput, TData>(
  state: EngineState<TInput, TData>,
): UploadQueue<TData> {
  const { profile, endpoint, options, callbacks, entries, order, active } = state;
  const { update, changed, emit } = state;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 3));
  const retries = Math.max(0, Math.floor(options.retries ?? 3));
  const autoUpload = options.autoUpload ?? true;
  const transportNamed = (name: Transport) => options.transports?.[name] ?? state.builtIn[name];

  const idPrefix = `upk${Math.random().toString(36).slice(2, 8)}`;
  let idCount = 0;
  let queueCount = 0;
  let settleWaiters: (() => void)[] = [];
  let pendingAdds = 0;
  let holdQueue = 0;

  function chooseTransport(file: File, allowed: Transport[]): UploadTransport | UploadError {
    const wanted = options.transport ?? "auto";
    if (wanted !== "auto") {
      if (!allowed.includes(wanted)) {
        return new UploadError(
          "forbidden",
          `The "${wanted}" transport is not allowed by the "${profile}" profile (it allows ${allowed.join(", ")})`,
        );
      }
      return (
        transportNamed(wanted) ??
        new UploadError(
          "bad-request",
          `The "${wanted}" transport needs options.transports.${wanted}`,
        )
      );
    }
    const tus = transportNamed("tus");
    if (tus && allowed.includes("tus") && file.size >= TUS_THRESHOLD_BYTES) return tus;
    for (const name of ["direct", "proxy", "tus"] as const) {
      const transport = transportNamed(name);
      if (transport && allowed.includes(name)) return transport;
    }
    return new UploadError(
      "bad-request",
      `None of the "${profile}" profile's transports (${allowed.join(", ")}) is available: pass it in options.transports`,
    );
  }

  // --- queue -------------------------------------------------------------------------------

  function enqueue(entry: Entry<TData>, ready: boolean) {
    entry.ready = ready;
    entry.queuedAt = ++queueCount;
  }

  function pump() {
    if (holdQueue > 0) return;
    while (active.size < concurrency) {
      let next: Entry<TData> | undefined;
      for (const entry of entries.values()) {
        if (entry.view.status !== "queued" || !entry.ready) continue;
        if (!next || entry.queuedAt < next.queuedAt) next = entry;
      }
      if (!next) break;
      startRun(next);
    }
    if (pendingAdds === 0 && active.size === 0 && settleWaiters.length > 0) {
      const waiters = settleWaiters;
      settleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Runs `change` with the queue held, so a batch of cancels does not start files in between. */
  function batch(change: () => void) {
    holdQueue++;
    try {
      change();
    } finally {
      holdQueue--;
    }
    pump();
  }

  function startRun(entry: Entry<TData>) {
    const run: Run = { controller: new AbortController() };
    entry.run = run;
    active.add(run);
    update(entry, { status: "uploading", error: undefined, speed: 0, eta: undefined });
    emit(callbacks.onUploadBegin, entry.view);
    void execute(entry, run).finally(() => {
      if (entry.run === run) entry.run = undefined;
      // `isUploading` counts runs in flight, so a snapshot read since the outcome is stale (a
      // run that was stopped left `active` at once, with its status change).
      if (active.delete(run)) changed();
      pump();
    });
  }

  /** Stops the file's run, if any, without touching its status. */
  function stopRun(entry: Entry<TData>) {
    clearProgressTimer(entry);
    const run = entry.run;
    if (!run) return;
    entry.run = undefined;
    active.delete(run);
    run.controller.abort();
  }

  async function execute(entry: Entry<TData>, run: Run): Promise<void> {
    const signal = run.controller.signal;
    const isCurrent = () => entry.run === run && !signal.aborted;

    if (!state.config()) await state.loadConfig();
    if (!isCurrent()) return;
    const config = state.config();
    if (!config) return fail(entry, state.configError() ?? noConfig());
    if (!entry.checked) {
      // Added while the config was unavailable: check it now, like `addFiles` would have.
      entry.checked = true;
      const [rejection] = checkFiles(config.restrictions, [entry.view.file], acceptedCount(entry));
      if (rejection) {
        stopRun(entry);
        update(entry, { status: "rejected", rejection, error: undefined });
        return;
      }
    }
    const transport = chooseTransport(entry.view.file, config.transports);
    if (transport instanceof UploadError) return fail(entry, transport);
    entry.transportImpl = transport;

    for (let retry = 0; ; retry++) {
      const { file } = entry.view;
      // A resumable transport reports progress from where it resumes; the others start over.
      const bytesSent = transport.canResume ? entry.view.bytesSent : 0;
      entry.pendingBytes = bytesSent;
      entry.sampledBytes = bytesSent;
      entry.sampledAt = Date.now();
      update(entry, {
        status: "uploading",
        transport: transport.name,
        attempts: entry.view.attempts + 1,
        error: undefined,
        bytesSent,
        progress: file.size > 0 ? bytesSent / file.size : 0,
        speed: 0,
        eta: undefined,
      });
      const input = callbacks.input;
      try {
        const { result, data, processing } = await transport.upload({
          file,
          profile,
          input: typeof input === "function" ? (input as (file: File) => TInput)(file) : input,
          signal,
          onProgress: (bytes) => {
            if (isCurrent()) reportProgress(entry, bytes);
          },
          endpoint,
          fetch: state.fetch,
        });
        if (!isCurrent()) return;
        succeed(entry, result, data as TData, processing);
        return;
      } catch (caught) {
        // Canceled, paused, removed or destroyed: the abort is ours, not a failure.
        if (!isCurrent()) return;
        const error = toUploadError(caught);
        // Only the kit's own errors say whether a retry may help; anything else is a bug.
        if (!(caught instanceof UploadError && error.retryable) || retry >= retries) {
          return fail(entry, error);
        }
        clearProgressTimer(entry);
        update(entry, { error, speed: 0, eta: undefined });
        try {
          await sleep(backoffDelay(retry, error.retryAfter), signal);
        } catch {
          return;
        }
        if (!isCurrent()) return;
      }
    }
  }

  // --- progress ------------------------------------------------------------------------------

  function reportProgress(entry: Entry<TData>, bytes: number) {
    const size = entry.view.size;
    entry.pendingBytes = Math.max(0, Math.min(size, bytes));
    const now = Date.now();
    const elapsed = now - entry.sampledAt;
    // The last byte is shown at once: it switches the file to "processing".
    if (entry.pendingBytes >= size || elapsed >= PROGRESS_INTERVAL_MS) {
      applyProgress(entry, now);
    } else {
      entry.progressTimer ??= setTimeout(() => {
        entry.progressTimer = undefined;
        if (entry.run && entry.view.status === "uploading") applyProgress(entry, Date.now());
      }, PROGRESS_INTERVAL_MS - elapsed);
    }
  }

  function applyProgress(entry: Entry<TData>, now: number) {
    clearProgressTimer(entry);
    const bytes = entry.pendingBytes;
    const size = entry.view.size;
    const seconds = (now - entry.sampledAt) / 1000;
    let speed = entry.view.speed;
    if (seconds > 0 && bytes >= entry.sampledBytes) {
      const rate = (bytes - entry.sampledBytes) / seconds;
      // An exponential moving average: steady enough to read, quick to follow a real change.
      speed = speed === 0 ? rate : SPEED_SMOOTHING * rate + (1 - SPEED_SMOOTHING) * speed;
    }
    entry.sampledAt = now;
    entry.sampledBytes = bytes;
    const done = bytes >= size;
    update(entry, {
      status: done ? "processing" : "uploading",
      bytesSent: bytes,
      progress: size > 0 ? bytes / size : 0,
      speed,
      eta: done ? 0 : speed > 0 ? (size - bytes) / speed : undefined,
    });
    emit(callbacks.onUploadProgress, entry.view);
  }

  function clearProgressTimer(entry: Entry<TData>) {
    if (entry.progressTimer === undefined) return;
    clearTimeout(entry.progressTimer);
    entry.progressTimer = undefined;
  }

  // --- outcomes ------------------------------------------------------------------------------

  function succeed(
    entry: Entry<TData>,
    result: UploadResult,
    data: TData,
    processing?: Processing,
  ) {
    clearProgressTimer(entry);
    update(entry, {
      status: "success",
      bytesSent: entry.view.size,
      progress: 1,
      eta: 0,
      error: undefined,
      result,
      data,
      ...(processing ? { processing } : {}),
    });
    if (processing && processing.pending.length > 0) watchProcessing(entry, result.fileId, 0);
    emit(
      callbacks.onUploadComplete,
      entry.view as UploadFile<TData> & { result: UploadResult; data: TData },
    );
  }

  /**
   * Post-transformations finish after the upload: ask the route what its webhooks reported,
   * every couple of seconds, until nothing is pending (or for at most about ten minutes).
   */
  function watchProcessing(entry: Entry<TData>, fileId: string, polls: number) {
    if (polls >= 300) return;
    entry.processingTimer = setTimeout(async () => {
      const url = `${endpoint}/${encodeURIComponent(profile)}/status?fileId=${encodeURIComponent(fileId)}`;
      let processing: Processing | undefined;
      try {
        const body = await fetchJson(state.fetch, url);
        processing = isProcessingState(body) ? body : undefined;
      } catch {
        // A missed poll is retried at the next tick.
      }
      if (entries.get(entry.view.id) !== entry) return;
      if (processing) update(entry, { processing });
      if (!processing || processing.pending.length > 0) {
        watchProcessing(entry, fileId, polls + 1);
      }
    }, PROCESSING_POLL_MS);
  }

  function fail(entry: Entry<TData>, error: UploadError) {
    clearProgressTimer(entry);
    update(entry, { status: "error", error, speed: 0, eta: undefined });
    emit(callbacks.onUploadError, entry.view, error);
  }

  function acceptedCount(except?: Entry<TData>): number {
    let count = 0;
    for (const entry of entries.values()) {
      const { status } = entry.view;
      if (entry !== except && status !== "rejected" && status !== "canceled") count++;
    }
    return count;
  }

  // --- the API -------------------------------------------------------------------------------

  async function addFiles(list: File[] | FileList): Promise<UploadFile<TData>[]> {
    const added: Entry<TData>[] = [];
    pendingAdds++;
    try {
      // Fetch the config while `onBeforeUpload` runs (it may take long: image downscaling).
      const loading = state.loadConfig();
      const given = Array.from(list);
      const files = callbacks.onBeforeUpload ? await callbacks.onBeforeUpload(given) : given;
      await loading;
      const config = state.config();
      const rejections = config ? checkFiles(config.restrictions, files, acceptedCount()) : [];
      for (const [index, file] of files.entries()) {
        const id = `${idPrefix}-${++idCount}`;
        const rejection = rejections[index];
        const entry: Entry<TData> = {
          view: Object.freeze({
            id,
            file,
            name: file.name,
            size: file.size,
            type: file.type,
            status: rejection ? "rejected" : "queued",
            ...(rejection ? { rejection } : {}),
            bytesSent: 0,
            progress: 0,
            speed: 0,
            eta: undefined,
            attempts: 0,
          }),
          run: undefined,
          transportImpl: undefined,
          ready: false,
          queuedAt: 0,
          checked: config !== undefined,
          pendingBytes: 0,
          sampledAt: 0,
          sampledBytes: 0,
          progressTimer: undefined,
        };
        entries.set(id, entry);
        order.push(id);
        added.push(entry);
        changed();
        if (rejection) continue;
        if (!config) {
          fail(entry, state.configError() ?? noConfig());
          continue;
        }
        // Chosen now so the UI can show it (and `pause` knows it) before the file starts.
        const transport = chooseTransport(file, config.transports);
        if (transport instanceof UploadError) {
          fail(entry, transport);
          continue;
        }
        entry.transportImpl = transport;
        update(entry, { transport: transport.name });
        enqueue(entry, autoUpload);
      }
    } finally {
      pendingAdds--;
      pump();
    }
    // Read after `pump`, so the files that started already say so.
    return added.map((entry) => entry.view);
  }

  function cancel(id: string) {
    const entry = entries.get(id);
    if (!entry || !ACTIVE.includes(entry.view.status)) return;
    stopRun(entry);
    update(entry, { status: "canceled", speed: 0, eta: undefined });
    emit(callbacks.onUploadAborted, entry.view);
    pump();
  }

  function retry(id: string) {
    const entry = entries.get(id);
    if (!entry || (entry.view.status !== "error" && entry.view.status !== "canceled")) return;
    const resumable = entry.transportImpl?.canResume ?? false;
    update(entry, {
      status: "queued",
      error: undefined,
      ...(resumable ? {} : { bytesSent: 0, progress: 0 }),
      speed: 0,
      eta: undefined,
    });
    enqueue(entry, true);
    pump();
  }

  function remove(id: string) {
    const entry = entries.get(id);
    if (!entry) return;
    const wasActive = ACTIVE.includes(entry.view.status);
    stopRun(entry);
    clearTimeout(entry.processingTimer);
    entries.delete(id);
    order.splice(order.indexOf(id), 1);
    changed();
    if (wasActive) emit(callbacks.onUploadAborted, entry.view);
    pump();
  }

  function pause(id: string) {
    const entry = entries.get(id);
    const status = entry?.view.status;
    if (!entry || (status !== "queued" && status !== "uploading")) return;
    if (!entry.transportImpl?.canResume) return;
    stopRun(entry);
    // Keep the last reported bytes, even when the throttle had not shown them yet.
    const bytesSent = status === "uploading" ? entry.pendingBytes : entry.view.bytesSent;
    update(entry, {
      status: "paused",
      bytesSent,
      progress: entry.view.size > 0 ? bytesSent / entry.view.size : 0,
      speed: 0,
      eta: undefined,
    });
    pump();
  }

  function resume(id: string) {
    const entry = entries.get(id);
    if (entry?.view.status !== "paused") return;
    update(entry, { status: "queued" });
    enqueue(entry, true);
    pump();
  }

  return {
    addFiles,
    start() {
      batch(() => {
        for (const entry of entries.values()) {
          if (entry.view.status === "queued" && !entry.ready) enqueue(entry, true);
        }
      });
    },
    cancel,
    retry,
    remove,
    pause,
    resume,
    cancelAll() {
      batch(() => {
        for (const id of [...order]) cancel(id);
      });
    },
    retryAll() {
      batch(() => {
        for (const id of [...order]) if (entries.get(id)?.view.status === "error") retry(id);
      });
    },
    settled() {
      if (pendingAdds === 0 && active.size === 0) return Promise.resolve();
      return new Promise((resolve) => settleWaiters.push(resolve));
    },
    destroy() {
      batch(() => {
        for (const entry of entries.values()) {
          const { status } = entry.view;
          clearProgressTimer(entry);
          clearTimeout(entry.processingTimer);
          if (status === "uploading" || status === "processing" || status === "queued") {
            stopRun(entry);
            update(entry, { status: "canceled", speed: 0, eta: undefined });
          }
        }
      });
    },
  };
}

const noConfig = () => new UploadError("not-found", "No config");
