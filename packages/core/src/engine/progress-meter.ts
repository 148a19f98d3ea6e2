import { PROGRESS_INTERVAL_MS } from "./defaults";
import type { EngineState, Entry } from "./engine-state";

/** Weight of the newest sample in the speed's moving average. */
const SPEED_SMOOTHING = 0.3;

/**
 * The speed after `bytes` more were sent in `seconds`, from `speed` before: an exponential
 * moving average, steady enough to read, quick to follow a real change.
 */
export function smoothSpeed(speed: number, bytes: number, seconds: number): number {
  if (seconds <= 0 || bytes < 0) return speed;
  const rate = bytes / seconds;
  return speed === 0 ? rate : SPEED_SMOOTHING * rate + (1 - SPEED_SMOOTHING) * speed;
}

export interface ProgressMeter<TData> {
  /** Starts measuring an attempt from `bytesSent` (where a resumable transport goes on). */
  begin(entry: Entry<TData>, bytesSent: number): void;
  /** Takes the bytes a transport reports; they reach the store now or when the interval ends. */
  report(entry: Entry<TData>, bytes: number): void;
  /** Drops the update still waiting for the interval, if any. */
  stop(entry: Entry<TData>): void;
}

/**
 * Each file's progress: throttled to one update of the store every `PROGRESS_INTERVAL_MS` (the
 * last byte at once), with the speed and the time left measured along.
 */
export function createProgressMeter<TInput, TData>(
  state: EngineState<TInput, TData>,
): ProgressMeter<TData> {
  const { update, emit, callbacks } = state;

  function apply(entry: Entry<TData>, now: number) {
    stop(entry);
    const bytes = entry.pendingBytes;
    const size = entry.view.size;
    const seconds = (now - entry.sampledAt) / 1000;
    const speed = smoothSpeed(entry.view.speed, bytes - entry.sampledBytes, seconds);
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

  function stop(entry: Entry<TData>) {
    if (entry.progressTimer === undefined) return;
    clearTimeout(entry.progressTimer);
    entry.progressTimer = undefined;
  }

  return {
    begin(entry, bytesSent) {
      entry.pendingBytes = bytesSent;
      entry.sampledBytes = bytesSent;
      entry.sampledAt = Date.now();
    },
    report(entry, bytes) {
      const size = entry.view.size;
      entry.pendingBytes = Math.max(0, Math.min(size, bytes));
      const now = Date.now();
      const elapsed = now - entry.sampledAt;
      // The last byte is shown at once: it switches the file to "processing".
      if (entry.pendingBytes >= size || elapsed >= PROGRESS_INTERVAL_MS) {
        apply(entry, now);
      } else {
        entry.progressTimer ??= setTimeout(() => {
          entry.progressTimer = undefined;
          if (entry.run && entry.view.status === "uploading") apply(entry, Date.now());
        }, PROGRESS_INTERVAL_MS - elapsed);
      }
    },
    stop,
  };
}
