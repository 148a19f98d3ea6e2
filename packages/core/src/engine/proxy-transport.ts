import { expectShape, routeError } from "./fetch-json";
import { isCompleteResponse, isQueuedState } from "./response-guards";
import type { UploadTransport } from "./uploader-types";
import { fileBytesSent, xhrRequest } from "./xhr-request";

/**
 * Proxy upload: one multipart POST to `{base}/{profile}/proxy`; the route streams the bytes to
 * ImageKit and answers with the stored file. The text fields go before the file because the
 * route reads the body as a stream and must know `input` and `size` before the bytes arrive.
 */
export function createProxyTransport(): UploadTransport {
  return {
    name: "proxy",
    canResume: false,
    async upload(context) {
      const { file, profile, input, signal, onProgress, endpoint } = context;
      const url = `${endpoint}/${encodeURIComponent(profile)}/proxy`;
      const form = new FormData();
      if (input !== undefined) form.append("input", JSON.stringify(input));
      form.append("size", String(file.size));
      form.append("file", file, file.name);
      const response = await xhrRequest({
        url,
        body: form,
        signal,
        onProgress: (loaded, total) => onProgress(fileBytesSent(loaded, total, file.size)),
      });
      if (response.status < 200 || response.status >= 300) {
        throw routeError(response.status, response.body, response.headers.retryAfter);
      }
      if (isQueuedState(response.body)) {
        const { waitForQueued } = await import("./wait-for-queued");
        return waitForQueued(response.body, context);
      }
      const completed = expectShape(isCompleteResponse, response.body, url);
      return {
        result: completed.file,
        data: completed.data,
        ...(completed.processing ? { processing: completed.processing } : {}),
      };
    },
  };
}
