import type { UploadQueue } from "./upload-queue";
import type { UploaderActions } from "./uploader-types";

/**
 * What a user can do to the files: the actions a UI binds to its buttons and dropzone, and the
 * one list of their names (`UploaderActions` is picked from `Uploader` by it).
 */
export const UPLOADER_ACTIONS = [
  "addFiles",
  "start",
  "cancel",
  "retry",
  "remove",
  "pause",
  "resume",
  "cancelAll",
  "retryAll",
] as const;

export type UploaderActionName = (typeof UPLOADER_ACTIONS)[number];

/**
 * The engine's actions, bound once: `addFiles` is given (it loads the queue); every other action
 * goes to the queue once it is loaded. Without the queue there are no files, so there is nothing
 * to start, cancel or retry.
 */
export function bindActions<TData>(
  addFiles: UploaderActions<TData>["addFiles"],
  queue: () => UploadQueue<TData> | undefined,
): UploaderActions<TData> {
  const actions: Record<string, unknown> = { addFiles };
  for (const name of UPLOADER_ACTIONS) {
    if (name !== "addFiles") actions[name] = (id: string) => queue()?.[name](id);
  }
  return actions as unknown as UploaderActions<TData>;
}
