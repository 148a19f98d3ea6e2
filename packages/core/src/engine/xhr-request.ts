import { retryAfterOf } from "../retry/retry-after-of";
import { UploadError } from "../upload-error";
import { abortedError, parseBody } from "./fetch-json";

export interface XhrRequestOptions {
  url: string;
  body: FormData;
  signal?: AbortSignal;
  /** Bytes of the whole request body sent so far, and its total size when the browser knows it. */
  onProgress?: (loaded: number, total: number | undefined) => void;
  headers?: Record<string, string>;
}

export interface XhrResponse {
  status: number;
  /** The body parsed as JSON when it is JSON, else its text. */
  body: unknown;
  headers: {
    /** The wait the server asks for before a retry, in seconds (`X-RateLimit-Reset` or `Retry-After`). */
    retryAfter: number | undefined;
  };
}

/**
 * POSTs a multipart form with XMLHttpRequest, because `fetch` reports no upload progress. Every
 * status resolves (the caller decides what an error is); only a network failure rejects
 * (`network-error`), and an abort through `signal` (`aborted`).
 */
export function xhrRequest(options: XhrRequestOptions): Promise<XhrResponse> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal));
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const cleanUp = () => signal?.removeEventListener("abort", onAbort);

    xhr.open("POST", options.url);
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      xhr.setRequestHeader(name, value);
    }
    const { onProgress } = options;
    // Only when asked: an upload listener turns a cross-origin POST into a preflighted one.
    if (onProgress) {
      xhr.upload.addEventListener("progress", (event) => {
        onProgress(event.loaded, event.lengthComputable ? event.total : undefined);
      });
    }
    xhr.addEventListener("load", () => {
      cleanUp();
      resolve({
        status: xhr.status,
        body: parseBody(xhr.responseText, xhr.getResponseHeader("content-type")),
        headers: { retryAfter: retryAfterOf((name) => xhr.getResponseHeader(name)) },
      });
    });
    xhr.addEventListener("error", () => {
      cleanUp();
      reject(new UploadError("network-error", `Network error while sending to ${options.url}`));
    });
    xhr.addEventListener("abort", () => {
      cleanUp();
      reject(abortedError(signal));
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.send(options.body);
  });
}

/**
 * The file's share of the body bytes sent: a multipart body also carries the fields and part
 * headers, so `loaded` is scaled to the file's size rather than used as is.
 */
export function fileBytesSent(loaded: number, total: number | undefined, fileSize: number): number {
  const bytes = total ? (loaded / total) * fileSize : loaded;
  return Math.max(0, Math.min(fileSize, Math.floor(bytes)));
}
