import { UploadError } from "../upload-error";
import type { EngineState } from "./engine-state";
import type { UploadQueue } from "./upload-queue";
import type { Uploader, UploadFile } from "./uploader-types";

export interface QueueLoader<TData>
  extends Pick<Uploader<TData>, "addFiles" | "preload" | "settled"> {
  /** The queue, once loaded. */
  queue(): UploadQueue<TData> | undefined;
  /** Why the queue's code could not be loaded (offline, or a deploy replaced the chunk). */
  error(): UploadError | undefined;
}

/**
 * Loads the queue (`upload-queue.ts`, a chunk of its own) with the first file or `preload()`: a
 * page that never uploads never downloads it. A failed load shows as `error()`, and the next
 * call loads again.
 */
export function createQueueLoader<TInput, TData>(
  state: EngineState<TInput, TData>,
): QueueLoader<TData> {
  let queue: UploadQueue<TData> | undefined;
  let queueLoad: Promise<UploadQueue<TData>> | undefined;
  let queueError: UploadError | undefined;
  /** `addFiles` calls still waiting for the queue. */
  const adding = new Set<Promise<unknown>>();

  function loadQueue(): Promise<UploadQueue<TData>> {
    queueLoad ??= import("./upload-queue").then(
      ({ createUploadQueue }) => {
        queueError = undefined;
        queue = createUploadQueue(state);
        return queue;
      },
      (error: unknown) => {
        queueLoad = undefined;
        queueError = new UploadError("network-error", "Could not load the uploader", {
          cause: error,
        });
        state.changed();
        throw queueError;
      },
    );
    return queueLoad;
  }

  async function addFiles(list: File[] | FileList): Promise<UploadFile<TData>[]> {
    // Copied now: a FileList from an input is emptied when the input is reset.
    const files = Array.from(list);
    const pending = loadQueue().then((loaded) => loaded.addFiles(files));
    adding.add(pending);
    try {
      return await pending;
    } catch (error) {
      // The queue did not load: the error shows in the snapshot, and the next drop tries again.
      if (error === queueError) return [];
      throw error;
    } finally {
      adding.delete(pending);
    }
  }

  function settled(): Promise<void> {
    if (adding.size > 0) return Promise.allSettled([...adding]).then(settled);
    return queue ? queue.settled() : Promise.resolve();
  }

  return {
    addFiles,
    preload() {
      void loadQueue().catch(() => {});
    },
    settled,
    queue: () => queue,
    error: () => queueError,
  };
}
