import type { ProfileConfig, Transport } from "../protocol";
import type { UploadError } from "../upload-error";
import type { ProgressMeter } from "./progress-meter";
import type { RunScheduler } from "./run-scheduler";
import type {
  UploaderCallbacks,
  UploaderOptions,
  UploadFile,
  UploadTransport,
} from "./uploader-types";

/** One pass through the attempt loop; replaced (or dropped) when the file is canceled or paused. */
export interface Run {
  controller: AbortController;
}

/** A file as the engine keeps it: its public view and the bookkeeping around it. */
export interface Entry<TData> {
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

/**
 * What `createUploader` shares with the queue it loads lazily (`upload-queue.ts`): the options,
 * the files, and the store's change functions. The queue changes files only through `update`.
 */
export interface EngineState<TInput, TData> {
  profile: string;
  /** The route's base path, without a trailing slash. */
  endpoint: string;
  options: UploaderOptions<TInput, TData>;
  /** The callbacks and `input` as they are now (`setOptions` changes them). */
  callbacks: UploaderCallbacks<TInput, TData>;
  fetch: typeof fetch;
  /** The built-in transports (loaded lazily themselves). */
  builtIn: Partial<Record<Transport, UploadTransport>>;
  entries: Map<string, Entry<TData>>;
  /** Ids in the order files were added. */
  order: string[];
  /** Runs in flight. */
  active: Set<Run>;
  config(): ProfileConfig | undefined;
  configError(): UploadError | undefined;
  loadConfig(): Promise<void>;
  /** Replaces the entry's view with `patch` applied and tells the listeners. */
  update(entry: Entry<TData>, patch: Partial<UploadFile<TData>>): void;
  /** Tells the listeners (once per microtask). */
  changed(): void;
  /** Calls a user callback; one that throws does not stop the engine. */
  emit<TArgs extends unknown[]>(
    callback: ((...args: TArgs) => void) | undefined,
    ...args: TArgs
  ): void;
}

/** What the queue's modules share: the engine's state, the queue's settings and its parts. */
export interface QueueState<TInput, TData> extends EngineState<TInput, TData> {
  /** Retries of a failed attempt. */
  retries: number;
  autoUpload: boolean;
  meter: ProgressMeter<TData>;
  scheduler: RunScheduler<TData>;
  /** A new file id, unique in the page. */
  nextId(): string;
}

/** Statuses of files that are still on their way. */
export const ACTIVE: readonly string[] = ["queued", "uploading", "processing", "paused"];
