import { ACTIVE, type Entry, type Run } from "./engine-state";
import type { UploaderSnapshot, UploaderTotals, UploadFile } from "./uploader-types";

/** What the snapshot shows besides the files: the config, or why it is missing. */
export type StoreStatus<TData> = Pick<UploaderSnapshot<TData>, "config" | "configError">;

export interface EngineStore<TData> {
  entries: Map<string, Entry<TData>>;
  /** Ids in the order files were added. */
  order: string[];
  /** Runs in flight. */
  active: Set<Run>;
  listeners: Set<() => void>;
  /** Tells the listeners, once per microtask however many changes it held. */
  changed(): void;
  /** Replaces the entry's view with `patch` applied and tells the listeners. */
  update(entry: Entry<TData>, patch: Partial<UploadFile<TData>>): void;
  /** The same frozen snapshot until something changed. */
  getSnapshot(): UploaderSnapshot<TData>;
}

/** The engine's store: the files, their order, the runs in flight, and the listeners. */
export function createEngineStore<TData>(status: () => StoreStatus<TData>): EngineStore<TData> {
  const entries = new Map<string, Entry<TData>>();
  const order: string[] = [];
  const active = new Set<Run>();
  const listeners = new Set<() => void>();
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

  return {
    entries,
    order,
    active,
    listeners,
    changed,
    update(entry, patch) {
      entry.view = Object.freeze({ ...entry.view, ...patch });
      changed();
    },
    getSnapshot() {
      if (snapshot && snapshotVersion === version) return snapshot;
      snapshot = snapshotOf(entries, order, active, status());
      snapshotVersion = version;
      return snapshot;
    },
  };
}

/** The files in order, their bytes-weighted totals, and the status, frozen. */
function snapshotOf<TData>(
  entries: Map<string, Entry<TData>>,
  order: string[],
  active: Set<Run>,
  { config, configError }: StoreStatus<TData>,
): UploaderSnapshot<TData> {
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
  return Object.freeze({
    files: Object.freeze(files) as UploadFile<TData>[],
    totals: Object.freeze(totals),
    config,
    ...(configError ? { configError } : {}),
    isUploading: totals.uploading > 0 || active.size > 0 || waiting > 0,
  });
}
