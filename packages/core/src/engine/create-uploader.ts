import { checkFiles } from "../check-file";
import type { ProfileConfig, Transport } from "../protocol";
import { UploadError } from "../upload-error";
import type { UploadResult } from "../upload-result";
import { expectShape, fetchJson } from "./fetch-json";
import { isConfigResponse, isProcessingState } from "./response-guards";
import type {
  FileStatus,
  Uploader,
  UploaderCallbacks,
  UploaderOptions,
  UploaderSnapshot,
  UploaderTotals,
  UploadFile,
  UploadTransport,
} from "./uploader-types";

export const DEFAULT_ENDPOINT = "/api/upload";
/** From this size, `auto` sends a file by tus when the profile allows it and one is supplied. */
export const TUS_THRESHOLD_BYTES = 8 * 1024 * 1024;
/** Progress of one file reaches the store at most this often (~10 updates a second). */
export const PROGRESS_INTERVAL_MS = 100;
/** How often the state of post-transformations is asked for after an upload. */
export const PROCESSING_POLL_MS = 2000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 10_000;
/** A server asking for a longer wait than this is not waited for in full. */
const RETRY_AFTER_MAX_MS = 60_000;
/** Weight of the newest sample in the speed's moving average. */
const SPEED_SMOOTHING = 0.3;

type Processing = NonNullable<UploadFile["processing"]>;

/**
 * The wait before retry number `retry` (0-based): exponential backoff with full jitter, so many
 * clients failing together do not retry together, but never shorter than the server's
 * `retryAfter` (seconds).
 */
export function backoffDelay(
  retry: number,
  retryAfter: number | undefined,
  random: () => number = Math.random,
): number {
  const backoff = Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** retry));
  if (retryAfter === undefined) return backoff;
  return Math.max(backoff, Math.min(RETRY_AFTER_MAX_MS, Math.ceil(retryAfter * 1000)));
}

/** One pass through the attempt loop; replaced (or dropped) when the file is canceled or paused. */
interface Run {
  controller: AbortController;
}

interface Entry<TData> {
  /** The file's public, frozen state; replaced on every change. */
  view: UploadFile<TData>;
  run: Run | undefined;
  transportImpl: UploadTransport | undefined;
  /** Queued files wait for `start()` when `autoUpload` is false. */
  ready: boolean;
  /** Order in the queue: retried and resumed files go after those already waiting. */
  queuedAt: number;
  /** False when the config could not be loaded as the file was added. */
  checked: boolean;
  // Progress bookkeeping for the throttle and the speed's moving average.
  pendingBytes: number;
  sampledAt: number;
  sampledBytes: number;
  progressTimer: ReturnType<typeof setTimeout> | undefined;
  /** Polls the post-transformations' state after success; cleared on remove and destroy. */
  processingTimer?: ReturnType<typeof setTimeout>;
}

const ACTIVE: readonly FileStatus[] = ["queued", "uploading", "processing", "paused"];

/**
 * The framework-free upload engine: a store of files (`subscribe` / `getSnapshot`), a queue with
 * a concurrency limit, retries with backoff, and progress with speed and ETA.
 *
 * - Listeners are notified once per microtask, however many changes it held, and each file's
 *   progress reaches the store at most every `PROGRESS_INTERVAL_MS`.
 * - `pause` works only for files whose transport can resume (tus); for the others it does
 *   nothing, since stopping a plain POST loses its bytes: use `cancel` and `retry` instead.
 * - The config (`GET {endpoint}/config`) is fetched once, on the first `subscribe` or
 *   `addFiles`; a transient failure is retried by the next call.
 * - `destroy` aborts every upload (files in flight become `canceled`, without callbacks) and
 *   drops the listeners; the engine stays usable, so a remounted component (React StrictMode)
 *   can subscribe again.
 */
export function createUploader<TData = unknown, TInput = unknown>(
  options: UploaderOptions<TInput, TData>,
): Uploader<TData> {
  const profile = options.profile;
  const endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 3));
  const retries = Math.max(0, Math.floor(options.retries ?? 3));
  const autoUpload = options.autoUpload ?? true;
  const fetchFn: typeof fetch =
    options.fetch ?? (((input, init) => globalThis.fetch(input, init)) as typeof fetch);
  const callbacks: UploaderCallbacks<TInput, TData> = { ...options };
  const builtIn: Partial<Record<Transport, UploadTransport>> = {
    direct: lazyTransport("direct", () =>
      import("./direct-transport").then((m) => m.createDirectTransport()),
    ),
    proxy: lazyTransport("proxy", () =>
      import("./proxy-transport").then((m) => m.createProxyTransport()),
    ),
  };
  const transportNamed = (name: Transport) => options.transports?.[name] ?? builtIn[name];

  const idPrefix = `upk${Math.random().toString(36).slice(2, 8)}`;
  let idCount = 0;
  let queueCount = 0;

  const entries = new Map<string, Entry<TData>>();
  const order: string[] = [];
  const active = new Set<Run>();
  const listeners = new Set<() => void>();
  let settleWaiters: (() => void)[] = [];
  let pendingAdds = 0;
  let holdQueue = 0;

  let config: ProfileConfig | undefined = options.config;
  let configError: UploadError | undefined;
  let configLoad: Promise<void> | undefined;

  // --- store -------------------------------------------------------------------------------

  let version = 0;
  let snapshotVersion = -1;
  let snapshot: UploaderSnapshot<TData> | undefined;
  let notifyScheduled = false;

  function changed() {
    version++;
    if (notifyScheduled) return;
    notifyScheduled = true;
    // One notification per microtask: adding 1,000 files or canceling them all is one render.
    queueMicrotask(() => {
      notifyScheduled = false;
      for (const listener of [...listeners]) listener();
    });
  }

  function update(entry: Entry<TData>, patch: Partial<UploadFile<TData>>) {
    entry.view = Object.freeze({ ...entry.view, ...patch });
    changed();
  }

  function getSnapshot(): UploaderSnapshot<TData> {
    if (snapshot && snapshotVersion === version) return snapshot;
    const files: UploadFile<TData>[] = [];
    const totals: UploaderTotals = {
      files: 0,
      bytes: 0,
      bytesSent: 0,
      progress: 0,
      speed: 0,
      eta: undefined,
      uploading: 0,
      queued: 0,
      succeeded: 0,
      failed: 0,
    };
    let remaining = 0;
    let waiting = 0;
    for (const id of order) {
      const entry = entries.get(id);
      if (!entry) continue;
      const file = entry.view;
      files.push(file);
      if (file.status === "rejected" || file.status === "canceled") continue;
      totals.files++;
      totals.bytes += file.size;
      totals.bytesSent += file.bytesSent;
      if (file.status === "uploading" || file.status === "processing") totals.uploading++;
      if (file.status === "uploading") totals.speed += file.speed;
      if (file.status === "queued") totals.queued++;
      if (file.status === "queued" && entry.ready) waiting++;
      if (file.status === "success") totals.succeeded++;
      if (file.status === "error") totals.failed++;
      if (ACTIVE.includes(file.status)) remaining += file.size - file.bytesSent;
    }
    totals.progress =
      totals.bytes > 0
        ? totals.bytesSent / totals.bytes
        : totals.files > 0 && totals.succeeded === totals.files
          ? 1
          : 0;
    totals.eta = totals.speed > 0 ? remaining / totals.speed : undefined;
    snapshot = Object.freeze({
      files: Object.freeze(files) as UploadFile<TData>[],
      totals: Object.freeze(totals),
      config,
      ...(configError ? { configError } : {}),
      isUploading: totals.uploading > 0 || active.size > 0 || waiting > 0,
    });
    snapshotVersion = version;
    return snapshot;
  }

  function emit<TArgs extends unknown[]>(
    callback: ((...args: TArgs) => void) | undefined,
    ...args: TArgs
  ) {
    if (!callback) return;
    try {
      callback(...args);
    } catch (error) {
      // A throwing callback must not leave the engine half-updated; report it, don't swallow it.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  // --- config ------------------------------------------------------------------------------

  function loadConfig(): Promise<void> {
    if (config) return Promise.resolve();
    configLoad ??= (async () => {
      const url = `${endpoint}/config`;
      try {
        const { profiles } = expectShape(isConfigResponse, await fetchJson(fetchFn, url), url);
        const found = profiles[profile];
        if (!found) {
          const known = Object.keys(profiles).join(", ") || "none";
          throw new UploadError(
            "not-found",
            `Unknown upload profile "${profile}" (known: ${known})`,
          );
        }
        config = found;
        configError = undefined;
      } catch (error) {
        configError = toUploadError(error);
        // A network blip may pass on the next call; an unknown profile will not.
        if (configError.retryable) configLoad = undefined;
      }
      changed();
    })();
    return configLoad;
  }

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
      active.delete(run);
      if (entry.run === run) entry.run = undefined;
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

    if (!config) await loadConfig();
    if (!isCurrent()) return;
    if (!config) return fail(entry, configError ?? new UploadError("not-found", "No config"));
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
          fetch: fetchFn,
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
      let state: Processing | undefined;
      try {
        const body = await fetchJson(fetchFn, url);
        state = isProcessingState(body) ? body : undefined;
      } catch {
        // A missed poll is retried at the next tick.
      }
      if (entries.get(entry.view.id) !== entry) return;
      if (state) update(entry, { processing: state });
      if (!state || state.pending.length > 0) watchProcessing(entry, fileId, polls + 1);
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
      const loading = loadConfig();
      const given = Array.from(list);
      const files = callbacks.onBeforeUpload ? await callbacks.onBeforeUpload(given) : given;
      await loading;
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
          fail(entry, configError ?? new UploadError("not-found", "No config"));
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
    subscribe(listener) {
      listeners.add(listener);
      // The dropzone wants `accept` before the first drop, so the config loads on subscribe.
      void loadConfig();
      return () => {
        listeners.delete(listener);
      };
    },
    getSnapshot,
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
    setOptions(changes) {
      Object.assign(callbacks, changes);
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
        listeners.clear();
      });
    },
  };
}

/**
 * A built-in transport whose code loads on its first upload: an app whose profiles only upload
 * directly never downloads the proxy transport (and none of them before a file is dropped).
 */
function lazyTransport(name: Transport, load: () => Promise<UploadTransport>): UploadTransport {
  let loading: Promise<UploadTransport> | undefined;
  return {
    name,
    canResume: false,
    async upload(context) {
      loading ??= load().catch((error: unknown) => {
        // A failed chunk load (a network blip) is tried again with the next attempt.
        loading = undefined;
        throw new UploadError("network-error", `Could not load the ${name} transport`, {
          cause: error,
        });
      });
      return (await loading).upload(context);
    },
  };
}

function toUploadError(error: unknown): UploadError {
  if (error instanceof UploadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UploadError("internal-error", message, { cause: error });
}

/** Resolves after `ms`; rejects as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
