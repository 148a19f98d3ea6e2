import type { ProfileConfig } from "../protocol";
import { UploadError } from "../upload-error";
import { DEFAULT_ENDPOINT } from "./defaults";
import type { EngineState } from "./engine-state";
import { createEngineStore } from "./engine-store";
import { fetchProfileConfig } from "./fetch-profile-config";
import { lazyTransport } from "./lazy-transport";
import { createQueueLoader } from "./queue-loader";
import { bindActions } from "./uploader-actions";
import { assignCallbacks } from "./uploader-callbacks";
import type { Uploader, UploaderCallbacks, UploaderOptions } from "./uploader-types";

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
  let config: ProfileConfig | undefined = options.config;
  let configError: UploadError | undefined;
  let configLoad: Promise<void> | undefined;

  const store = createEngineStore<TData>(() => ({
    config,
    configError: configError ?? loader.error(),
  }));
  const { entries, order, active, update, changed } = store;

  function loadConfig(): Promise<void> {
    if (config) return Promise.resolve();
    configLoad ??= (async () => {
      try {
        config = await fetchProfileConfig(state.fetch, endpoint, profile);
        configError = undefined;
      } catch (error) {
        // fetchProfileConfig fails with an UploadError; anything else is the error mapping's chunk
        // that could not load (offline).
        configError =
          error instanceof UploadError
            ? error
            : new UploadError("network-error", "Could not load the upload settings", {
                cause: error,
              });
        // A network blip may pass on the next call; an unknown profile will not.
        if (configError.retryable) configLoad = undefined;
      }
      changed();
    })();
    return configLoad;
  }

  const callbacks: UploaderCallbacks<TInput, TData> = {};
  assignCallbacks(callbacks, options);
  const state: EngineState<TInput, TData> = {
    profile,
    endpoint,
    options,
    callbacks,
    fetch: options.fetch ?? (((input, init) => globalThis.fetch(input, init)) as typeof fetch),
    builtIn: {
      direct: lazyTransport("direct", () =>
        import("./direct-transport").then((m) => m.createDirectTransport()),
      ),
      proxy: lazyTransport("proxy", () =>
        import("./proxy-transport").then((m) => m.createProxyTransport()),
      ),
      tus: lazyTransport(
        "tus",
        () => import("./tus-transport").then((m) => m.createTusTransport(options.tus)),
        true,
      ),
    },
    entries,
    order,
    active,
    config: () => config,
    configError: () => configError,
    loadConfig,
    update,
    changed,
    emit,
  };
  const loader = createQueueLoader(state);
  const actions = bindActions(loader.addFiles, loader.queue);

  return {
    ...actions,
    actions,
    subscribe(listener) {
      store.listeners.add(listener);
      // The dropzone wants `accept` before the first drop, so the config loads on subscribe.
      void loadConfig();
      return () => {
        store.listeners.delete(listener);
      };
    },
    getSnapshot: store.getSnapshot,
    preload: loader.preload,
    settled: loader.settled,
    setOptions(changes) {
      assignCallbacks(state.callbacks, changes);
    },
    destroy() {
      loader.queue()?.destroy();
      store.listeners.clear();
    },
  };
}

/** Calls a user callback; one that throws does not stop the engine. */
function emit<TArgs extends unknown[]>(
  callback: ((...args: TArgs) => void) | undefined,
  ...args: TArgs
): void {
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
