import type { ProfileConfig } from "../protocol";
import { UploadError } from "../upload-error";
import { DEFAULT_ENDPOINT } from "./defaults";
import { ACTIVE, type EngineState, type Entry, type Run } from "./engine-state";
import { fetchProfileConfig } from "./fetch-profile-config";
import { lazyTransport } from "./lazy-transport";
import { toUploadError } from "./to-upload-error";
import type { UploadQueue } from "./upload-queue";
import type {
  Uploader,
  UploaderCallbacks,
  UploaderOptions,
  UploaderSnapshot,
  UploaderTotals,
  UploadFile,
} from "./uploader-types";

/**
 * The framework-free upload engine: a store of files (`subscribe` / `getSnapshot`), a queue with
 * a concurrency limit, retries with backoff, and progress with speed and ETA.
 *
 * - The store and the config are here; the queue that handles files (`upload-queue.ts`) loads
 *   with the first file, or earlier with `preload()` (the React dropzone calls it when a
 *   pointer, focus or drag reaches it): a page that never uploads never downloads it.
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
  const entries = new Map<string, Entry<TData>>();
  const order: string[] = [];
  const active = new Set<Run>();
  const listeners = new Set<() => void>();

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
    const error = configError ?? queueError;
    snapshot = Object.freeze({
      files: Object.freeze(files) as UploadFile<TData>[],
      totals: Object.freeze(totals),
      config,
      ...(error ? { configError: error } : {}),
      isUploading: totals.uploading > 0 || active.size > 0 || waiting > 0,
    });
    snapshotVersion = version;
    return snapshot;
  }

  // --- config ------------------------------------------------------------------------------

  function loadConfig(): Promise<void> {
    if (config) return Promise.resolve();
    configLoad ??= (async () => {
      try {
        config = await fetchProfileConfig(state.fetch, endpoint, profile);
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

  const state: EngineState<TInput, TData> = {
    profile,
    endpoint,
    options,
    callbacks: { ...options },
    fetch: options.fetch ?? (((input, init) => globalThis.fetch(input, init)) as typeof fetch),
    builtIn: {
      direct: lazyTransport("direct", () =>
        import("./direct-transport").then((m) => m.createDirectTransport()),
      ),
      proxy: lazyTransport("proxy", () =>
        import("./proxy-transport").then((m) => m.createProxyTransport()),
      ),
    },
    entries,
    order,
    active,
    config: () => config,
    configError: () => configError,
    loadConfig,
    update(entry, patch) {
      entry.view = Object.freeze({ ...entry.view, ...patch });
      changed();
    },
    changed,
    emit(callback, ...args) {
      if (!callback) return;
      try {
        callback(...args);
      } catch (error) {
        // A throwing callback must not leave the engine half-updated; report it, don't swallow it.
        queueMicrotask(() => {
          throw error;
        });
      }
    },
  };

  // --- the queue, loaded lazily --------------------------------------------------------------

  let queue: UploadQueue<TData> | undefined;
  let queueLoad: Promise<UploadQueue<TData>> | undefined;
  /** Why the queue's code could not be loaded (offline, or a deploy replaced the chunk). */
  let queueError: UploadError | undefined;
  /** `addFiles` calls still waiting for the queue. */
  const adding = new Set<Promise<unknown>>();

  function loadQueue(): Promise<UploadQueue<TData>> {
    queueLoad ??= import("./upload-queue").then(
      ({ createUploadQueue }) => {
        queueError = undefined;
        queue = createUploadQueue(state);
        return queue;
      },
      (error: unknown) => {
        queueLoad = undefined;
        queueError = new UploadError("network-error", "Could not load the uploader", {
          cause: error,
        });
        changed();
        throw queueError;
      },
    );
    return queueLoad;
  }

  async function addFiles(list: File[] | FileList): Promise<UploadFile<TData>[]> {
    // Copied now: a FileList from an input is emptied when the input is reset.
    const files = Array.from(list);
    const pending = loadQueue().then((loaded) => loaded.addFiles(files));
    adding.add(pending);
    try {
      return await pending;
    } catch (error) {
      // The queue did not load: the error shows in the snapshot, and the next drop tries again.
      if (error === queueError) return [];
      throw error;
    } finally {
      adding.delete(pending);
    }
  }

  function settled(): Promise<void> {
    if (adding.size > 0) return Promise.allSettled([...adding]).then(settled);
    return queue ? queue.settled() : Promise.resolve();
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
    preload() {
      void loadQueue().catch(() => {});
    },
    // Without the queue there are no files, so there is nothing to start, cancel or retry.
    start: () => queue?.start(),
    cancel: (id) => queue?.cancel(id),
    retry: (id) => queue?.retry(id),
    remove: (id) => queue?.remove(id),
    pause: (id) => queue?.pause(id),
    resume: (id) => queue?.resume(id),
    cancelAll: () => queue?.cancelAll(),
    retryAll: () => queue?.retryAll(),
    settled,
    setOptions(changes: Partial<UploaderCallbacks<unknown, TData>>) {
      Object.assign(state.callbacks, changes);
    },
    destroy() {
      queue?.destroy();
      listeners.clear();
    },
  };
}
