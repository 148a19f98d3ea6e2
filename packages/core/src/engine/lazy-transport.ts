import type { Transport } from "../protocol";
import { UploadError } from "../upload-error";
import type { UploadTransport } from "./uploader-types";

/**
 * A built-in transport whose code loads on its first upload: an app whose profiles only upload
 * directly never downloads the proxy or tus transports (and none of them before a file is dropped).
 */
export function lazyTransport(
  name: Transport,
  load: () => Promise<UploadTransport>,
  /** Known before the code loads: the engine asks it to decide whether `pause` may stop a file. */
  canResume = false,
): UploadTransport {
  let loading: Promise<UploadTransport> | undefined;
  return {
    name,
    canResume,
    async upload(context) {
      loading ??= load().catch((error: unknown) => {
        // A failed chunk load (a network blip) is tried again with the next attempt.
        loading = undefined;
        throw new UploadError("network-error", `Could not load the ${name} transport`, {
          cause: error,
        });
      });
      return (await loading).upload(context);
    },
  };
}
