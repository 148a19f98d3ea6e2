/**
 * Async work that ImageKit finishes after the upload answered (remove-bg, post-transformations,
 * video pre-transformations, webhooks). Tracked so `close()` can cancel what has not started and
 * wait for what has, and tests can wait until everything settled.
 */
export class Jobs {
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly jobs = new Set<Promise<void>>();
  private closed = false;

  /** Runs `work` after `delayMs`; a failure goes to `onError`, never to the caller. */
  later(
    delayMs: number,
    work: () => Promise<void>,
    onError: (error: unknown) => void = () => {},
  ): void {
    if (this.closed) return;
    let settle!: () => void;
    const job = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().catch(onError).finally(settle);
    }, delayMs);
    this.timers.set(timer, settle);
    this.jobs.add(job);
    void job.then(() => this.jobs.delete(job));
  }

  /** Resolves once no job is scheduled or running (jobs that schedule jobs included). */
  async idle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.all([...this.jobs]);
  }

  /** Cancels jobs that have not started; waits for the ones that have. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, settle] of this.timers) {
      clearTimeout(timer);
      settle();
    }
    this.timers.clear();
    await this.idle();
  }
}
