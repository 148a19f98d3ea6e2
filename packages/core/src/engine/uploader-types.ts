import type { Rejection } from "../check-file";
import type { ProfileConfig, Transport } from "../protocol";
import type { PublicRestrictions } from "../restrictions";
import type { UploadError } from "../upload-error";
import type { UploadResult } from "../upload-result";
import type { TusOptions } from "./tus-options";
import type { UploaderActionName } from "./uploader-actions";

/**
 * The contract of the framework-free upload engine (`createUploader`), shared by its
 * implementation and the React layer. A store: `subscribe(listener) -> unsubscribe` and
 * `getSnapshot()` (a new immutable snapshot object after every change, the same object
 * otherwise, as `useSyncExternalStore` needs).
 */

export type FileStatus =
  | "rejected" // broke the restrictions; never uploaded (see `rejection`)
  | "queued" // waiting for a free slot
  | "uploading" // bytes are moving
  | "processing" // all bytes sent; the server / ImageKit is finishing (complete, post-transformations)
  | "success"
  | "error" // failed after retries (see `error`); `retry(id)` tries again
  | "canceled"
  | "paused"; // only with a transport that can resume (tus)

export interface UploadFile<TData = unknown> {
  /** Stable id for keys and actions. */
  id: string;
  /** The file to send (after `onBeforeUpload` changes, if any). */
  file: File;
  name: string;
  size: number;
  type: string;
  status: FileStatus;
  /** Per-file rejection (one of `REJECTION_CODES`: too large or small, wrong type, too many). */
  rejection?: Rejection;
  error?: UploadError;
  transport?: Transport;
  bytesSent: number;
  /** 0..1 of this file's bytes. */
  progress: number;
  /** Smoothed upload speed, bytes per second (0 until measured). */
  speed: number;
  /** Seconds left at the current speed, or undefined while unknown. */
  eta: number | undefined;
  /** How many attempts were made (retries included). */
  attempts: number;
  /** ImageKit's result, once stored. */
  result?: UploadResult;
  /** What the server's `onUploadComplete` returned. */
  data?: TData;
  /**
   * Post-transformations of the stored file (`type:value` keys), while the server learns their
   * outcome from ImageKit's webhooks: the engine polls `{endpoint}/{profile}/status` until none
   * is pending.
   */
  processing?: { pending: string[]; done: string[]; failed: string[] };
  /**
   * Which leg the file is on. tus: `uploading` while the bytes go to our server, `forwarding`
   * (status `processing`) while the server sends them on to ImageKit. Any transport: `queued`
   * (status `processing`) when ImageKit accepted the file but stores it later (a video's
   * pre-transformation), until it is stored.
   */
  phase?: "uploading" | "forwarding" | "queued";
  /** tus only: bytes the server has sent on to ImageKit so far, while `phase` is `forwarding`. */
  forwardedBytes?: number;
  /**
   * tus only: bytes already on the server when the upload last went on from where it stopped
   * (after a pause, a lost connection, or a page reload and the same file added again).
   */
  resumedFrom?: number;
}

export interface UploaderTotals {
  /** Files counted in the totals: everything but rejected, canceled and removed ones. */
  files: number;
  bytes: number;
  bytesSent: number;
  /** Bytes-weighted progress, 0..1 (not an average of percentages). */
  progress: number;
  speed: number;
  eta: number | undefined;
  uploading: number;
  queued: number;
  succeeded: number;
  failed: number;
}

export interface UploaderSnapshot<TData = unknown> {
  files: UploadFile<TData>[];
  totals: UploaderTotals;
  /** Restrictions and transports of the profile, once known (from `GET {base}/config` or passed in). */
  config: ProfileConfig | undefined;
  /** A problem loading the config, if any. */
  configError?: UploadError;
  isUploading: boolean;
}

export interface UploadContext<TInput = unknown> {
  file: File;
  profile: string;
  input: TInput;
  signal: AbortSignal;
  onProgress(bytesSent: number): void;
  /** All bytes are on our server, which sends them on to ImageKit (tus): how far it got. */
  onForwarding?(bytesSent: number, size: number): void;
  /** The upload goes on from `offset` bytes already on the server (tus). */
  onResumed?(offset: number): void;
  /** ImageKit queued the file: it is stored later (a video's pre-transformation). */
  onQueued?(): void;
  /** Where the route lives, e.g. `/api/upload`. */
  endpoint: string;
  fetch: typeof fetch;
}

/** One way to move a file: direct (sign + ImageKit + complete), proxy, or tus. */
export interface UploadTransport {
  name: Transport;
  /** Whether `pause()` keeps the bytes sent so far (tus). */
  canResume: boolean;
  upload(context: UploadContext): Promise<{
    result: UploadResult;
    data: unknown;
    processing?: { pending: string[]; done: string[]; failed: string[] };
  }>;
}

export interface UploaderCallbacks<TInput = unknown, TData = unknown> {
  /** Filter, rename or transform files before they are queued; return the files to keep. */
  onBeforeUpload?: (files: File[]) => File[] | Promise<File[]>;
  onUploadBegin?: (file: UploadFile<TData>) => void;
  onUploadProgress?: (file: UploadFile<TData>) => void;
  onUploadComplete?: (file: UploadFile<TData> & { result: UploadResult; data: TData }) => void;
  onUploadError?: (file: UploadFile<TData>, error: UploadError) => void;
  onUploadAborted?: (file: UploadFile<TData>) => void;
  /** Input for the profile, per file (or one value for all). */
  input?: TInput | ((file: File) => TInput);
}

export interface UploaderOptions<TInput = unknown, TData = unknown>
  extends UploaderCallbacks<TInput, TData> {
  profile: string;
  /** The route's base path. Default `/api/upload`. */
  endpoint?: string;
  /** Skip `GET {base}/config` (e.g. from SSR). */
  config?: ProfileConfig;
  /** Default 3. */
  concurrency?: number;
  /**
   * `auto` (default): tus from `TUS_THRESHOLD_BYTES` (8 MiB) when the profile allows it, else
   * direct, else proxy.
   */
  transport?: Transport | "auto";
  /** Retries of a failed attempt (network, 5xx, 429). Default 3. */
  retries?: number;
  /** Start uploads as soon as files are added. Default true. */
  autoUpload?: boolean;
  fetch?: typeof fetch;
  /** Replaces built-in transports (direct, proxy and tus load lazily, on their first file). */
  transports?: Partial<Record<Transport, UploadTransport>>;
  /** The tus transport's settings (chunk size, retry delays, where upload URLs are kept). */
  tus?: TusOptions;
}

export interface Uploader<TData = unknown> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): UploaderSnapshot<TData>;
  /** Checks files against the restrictions, queues the accepted, lists the rejected. */
  addFiles(files: File[] | FileList): Promise<UploadFile<TData>[]>;
  /**
   * Loads the code that handles files ahead of the first one (it loads with the first file
   * otherwise); e.g. when a pointer or the focus reaches the dropzone.
   */
  preload(): void;
  /** Starts queued files (when `autoUpload` is false). */
  start(): void;
  cancel(id: string): void;
  retry(id: string): void;
  remove(id: string): void;
  pause(id: string): void;
  resume(id: string): void;
  cancelAll(): void;
  retryAll(): void;
  /** Resolves when nothing is queued or uploading. */
  settled(): Promise<void>;
  /**
   * Changes callbacks and input without recreating the engine: takes those `options` has
   * (`undefined` removes one) and ignores the other options, which are read once.
   */
  setOptions(options: Partial<UploaderCallbacks<unknown, TData>>): void;
  destroy(): void;
  /** The actions, bound once: the same object for the engine's life, safe to pass around. */
  actions: UploaderActions<TData>;
}

/** What a user can do to the files: the actions a UI binds to its buttons and dropzone. */
export type UploaderActions<TData = unknown> = Pick<Uploader<TData>, UploaderActionName>;

export type { PublicRestrictions };
