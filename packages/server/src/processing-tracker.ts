/** A post-transformation's identity, as the upload asked for it and the webhook reports it. */
export const stepKey = (step: { type: string; value?: string }) =>
  `${step.type}:${step.value ?? ""}`;

export interface ProcessingState {
  pending: string[];
  done: string[];
  failed: string[];
}

/**
 * Which post-transformations of a file ImageKit is still processing, learnt from verified
 * `upload.post-transform.*` webhooks. In memory and bounded: one server instance's view (behind
 * many instances, webhooks reach one of them; share this through your own store if you need to).
 * A webhook may arrive before the browser's `complete`: outcomes of unknown files are kept too.
 */
export class ProcessingTracker {
  private readonly files = new Map<
    string,
    { asked: Set<string>; done: Set<string>; failed: Set<string> }
  >();

  constructor(private readonly capacity = 10_000) {}

  track(fileId: string, steps: string[]): ProcessingState {
    const state = this.entry(fileId);
    for (const step of steps) state.asked.add(step);
    return this.get(fileId);
  }

  settle(fileId: string, step: string, outcome: "done" | "failed"): void {
    this.entry(fileId)[outcome].add(step);
  }

  get(fileId: string): ProcessingState {
    const state = this.files.get(fileId);
    if (!state) return { pending: [], done: [], failed: [] };
    const settled = (step: string) => state.done.has(step) || state.failed.has(step);
    return {
      pending: [...state.asked].filter((step) => !settled(step)),
      done: [...state.done],
      failed: [...state.failed],
    };
  }

  private entry(fileId: string) {
    let state = this.files.get(fileId);
    if (!state) {
      state = { asked: new Set(), done: new Set(), failed: new Set() };
      this.files.set(fileId, state);
      // Oldest first out: a Map iterates in insertion order.
      if (this.files.size > this.capacity)
        this.files.delete(this.files.keys().next().value as string);
    }
    return state;
  }
}
