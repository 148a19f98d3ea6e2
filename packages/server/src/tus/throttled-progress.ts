/** Progress is written to the store at most this often. */
const PROGRESS_INTERVAL_MS = 500;

/**
 * Counts bytes sent and writes the count through `write` at most every 500 ms, one write at a
 * time. Progress is advice: a failed write is dropped, never fails the upload. After `close`
 * nothing is written, so a late progress write cannot land over the outcome.
 */
export function throttledProgress(write: (bytesSent: number) => Promise<void>) {
  let sent = 0;
  let last = 0;
  let closed = false;
  let pending = Promise.resolve();
  return {
    /** Starts counting again (a retried attempt sends from the first byte). */
    reset() {
      sent = 0;
    },
    add(count: number) {
      sent += count;
      const now = Date.now();
      if (closed || now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      const bytesSent = sent;
      pending = pending.then(() => write(bytesSent)).catch(() => {});
    },
    /** Stops writing; resolves once the write in flight (if any) is done. */
    close(): Promise<void> {
      closed = true;
      return pending;
    },
  };
}
