import type { EngineState, Entry, Run } from "./engine-state";
import type { ProgressMeter } from "./progress-meter";

export interface RunScheduler<TData> {
  /** Puts the file at the end of the queue; one not `ready` waits for `start()`. */
  enqueue(entry: Entry<TData>, ready: boolean): void;
  /** Starts the longest-waiting ready files while slots are free; resolves `settled()` when idle. */
  pump(): void;
  /** Runs `change` with the queue held, so a batch of cancels does not start files in between. */
  batch(change: () => void): void;
  /** Stops the file's run, if any, without touching its status. */
  stopRun(entry: Entry<TData>): void;
  /** Counts an `addFiles` call in progress, until the function it returns is called. */
  adding(): () => void;
  /** Resolves when no file is being added or run. */
  settled(): Promise<void>;
}

/**
 * Who runs when: at most `concurrency` runs at a time, in the order files were queued (retried
 * and resumed files after those already waiting). `execute` is one file's run.
 */
export function createRunScheduler<TInput, TData>(
  state: EngineState<TInput, TData>,
  concurrency: number,
  meter: ProgressMeter<TData>,
  execute: (entry: Entry<TData>, run: Run) => Promise<void>,
): RunScheduler<TData> {
  const { entries, active, update, changed, emit, callbacks } = state;
  let queueCount = 0;
  let pendingAdds = 0;
  let holdQueue = 0;
  let settleWaiters: (() => void)[] = [];

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

  return {
    enqueue(entry, ready) {
      entry.ready = ready;
      entry.queuedAt = ++queueCount;
    },
    pump,
    batch(change) {
      holdQueue++;
      try {
        change();
      } finally {
        holdQueue--;
      }
      pump();
    },
    stopRun(entry) {
      meter.stop(entry);
      const run = entry.run;
      if (!run) return;
      entry.run = undefined;
      active.delete(run);
      run.controller.abort();
    },
    adding() {
      pendingAdds++;
      return () => {
        pendingAdds--;
        pump();
      };
    },
    settled() {
      if (pendingAdds === 0 && active.size === 0) return Promise.resolve();
      return new Promise((resolve) => settleWaiters.push(resolve));
    },
  };
}
