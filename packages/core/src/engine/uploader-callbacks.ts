import type { UploaderCallbacks } from "./uploader-types";

/**
 * The options that follow changes after the engine is made (`setOptions`): a record, so the
 * compiler checks it against `UploaderCallbacks` both ways, a name missing or one too many.
 */
const callbackNames: Record<keyof UploaderCallbacks, true> = {
  onBeforeUpload: true,
  onUploadBegin: true,
  onUploadProgress: true,
  onUploadComplete: true,
  onUploadError: true,
  onUploadAborted: true,
  input: true,
};

/** The callbacks and `input`: the options `setOptions` takes; the others are read once. */
export const UPLOADER_CALLBACKS = Object.keys(
  callbackNames,
) as readonly (keyof UploaderCallbacks)[];

/**
 * Copies the callbacks and `input` that `options` has (`undefined` included: it removes one) onto
 * `callbacks`, and leaves the rest of `options` alone.
 */
export function assignCallbacks(callbacks: object, options: object): void {
  for (const name of UPLOADER_CALLBACKS) {
    if (name in options) {
      (callbacks as Record<string, unknown>)[name] = (options as Record<string, unknown>)[name];
    }
  }
}
