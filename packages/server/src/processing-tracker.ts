import type { StateStore } from "./state/state-store";

/** A post-transformation's identity, as the upload asked for it and the webhook reports it. */
export const stepKey = (step: { type: string; value?: string }) =>
  `${step.type}:${step.value ?? ""}`;

export interface ProcessingState {
  pending: string[];
  done: string[];
  failed: string[];
}

/** How long a file's processing is remembered: longer than any video transformation takes. */
const PROCESSING_TTL_MS = 24 * 60 * 60 * 1000;

const keyOf = (fileId: string, list: "asked" | "done" | "failed") =>
  `upkit:processing:${fileId}:${list}`;

/**
 * Which post-transformations of a file ImageKit is still processing, learnt from verified
 * `upload.post-transform.*` webhooks, in the handler's store: behind several instances sharing
 * one, the webhook may land on one and the browser ask another. Sets, so that two webhooks for
 * one file settling at once on two instances both count. A webhook may arrive before the
 * browser's `complete`: outcomes of unknown files are kept too.
 */
export class ProcessingTracker {
  constructor(private readonly store: StateStore) {}

  async track(fileId: string, steps: string[]): Promise<ProcessingState> {
    await this.store.addToSet(keyOf(fileId, "asked"), steps, PROCESSING_TTL_MS);
    return this.get(fileId);
  }

  async settle(fileId: string, step: string, outcome: "done" | "failed"): Promise<void> {
    await this.store.addToSet(keyOf(fileId, outcome), [step], PROCESSING_TTL_MS);
  }

  async get(fileId: string): Promise<ProcessingState> {
    const members = (list: "asked" | "done" | "failed") =>
      this.store.setMembers(keyOf(fileId, list));
    const [asked, done, failed] = await Promise.all([
      members("asked"),
      members("done"),
      members("failed"),
    ]);
    const settled = new Set([...done, ...failed]);
    return { pending: asked.filter((step) => !settled.has(step)), done, failed };
  }
}
