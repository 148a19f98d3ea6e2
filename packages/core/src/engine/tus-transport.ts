import type { PreviousUpload, Upload, UploadOptions } from "tus-js-client";
import { UploadError } from "../upload-error";
import { blobFileReader } from "./blob-file-reader";
import { TUS_CHUNK_SIZE, TUS_RETRY_DELAYS } from "./defaults";
import { abortedError } from "./fetch-json";
import { pollTusResult } from "./poll-tus-result";
import { isTusRetryable, toTusError } from "./tus-error";
import type { TusOptions } from "./tus-options";
import type { UploadContext, UploadTransport } from "./uploader-types";

type UploadClass = typeof Upload;

/**
 * Resumable upload by tus 1.0 (`{base}/{profile}/tus`), in chunks of `chunkSize`, then
 * `GET {uploadUrl}/result` until the server has sent the file on to ImageKit (`pollTusResult`).
 * tus-js-client (about 16.5 KB gzipped) loads with the first tus upload. A pause aborts the
 * requests without terminating the upload, so `resume` (or a retry) goes on from the server's
 * offset; so does the same file added after a page reload, through `urlStorage`.
 */
export function createTusTransport(options: TusOptions = {}): UploadTransport {
  // The upload URL of each file, so a pause or a retry goes on where it stopped even when no URL
  // storage is at hand (Node, or a browser that refuses localStorage).
  const uploadUrls = new WeakMap<File, string>();
  return {
    name: "tus",
    canResume: true,
    async upload(context) {
      const { Upload } = await import("tus-js-client");
      const uploadUrl = await sendBytes(Upload, context, options, uploadUrls);
      return pollTusResult(uploadUrl, context);
    },
  };
}

/** Sends the file's bytes to the server; resolves the upload's URL once all are there. */
function sendBytes(
  Upload: UploadClass,
  context: UploadContext,
  options: TusOptions,
  uploadUrls: WeakMap<File, string>,
): Promise<string> {
  const { file, signal } = context;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortedError(signal));
    const known = uploadUrls.get(file);
    const upload: Upload = new Upload(file, {
      ...uploadOptions(context, options),
      ...(known ? { uploadUrl: known } : {}),
      onUploadUrlAvailable: () => {
        if (upload.url) uploadUrls.set(file, upload.url);
      },
      onSuccess: () => {
        signal.removeEventListener("abort", stop);
        if (upload.url) resolve(upload.url);
        else reject(new UploadError("bad-request", "The tus server gave no upload URL"));
      },
      onError: (error) => {
        signal.removeEventListener("abort", stop);
        reject(toTusError(error, signal));
      },
    });
    const stop = () => {
      // Not terminated: the bytes on the server are what `resume` goes on from.
      void upload.abort(false);
      reject(abortedError(signal));
    };
    signal.addEventListener("abort", stop, { once: true });
    start(upload, known === undefined, signal).catch((error: unknown) => {
      signal.removeEventListener("abort", stop);
      reject(toTusError(error, signal));
    });
  });
}

/** Starts the upload, from the newest earlier upload of the same file when storage knows one. */
async function start(upload: Upload, lookUp: boolean, signal: AbortSignal): Promise<void> {
  if (lookUp) {
    const previous = await upload.findPreviousUploads();
    const newest = previous.reduce<PreviousUpload | undefined>(
      (found, item) => (!found || item.creationTime > found.creationTime ? item : found),
      undefined,
    );
    if (newest) upload.resumeFromPreviousUpload(newest);
  }
  if (!signal.aborted) upload.start();
}

/** The options that do not depend on the upload object itself. */
function uploadOptions(context: UploadContext, options: TusOptions): UploadOptions {
  const { file, profile, input, signal, endpoint, onProgress, onResumed } = context;
  return {
    endpoint: `${endpoint}/${encodeURIComponent(profile)}/tus`,
    metadata: {
      filename: file.name,
      ...(file.type ? { filetype: file.type } : {}),
      ...(input === undefined ? {} : { input: JSON.stringify(input) }),
    },
    chunkSize: options.chunkSize ?? TUS_CHUNK_SIZE,
    retryDelays: [...(options.retryDelays ?? TUS_RETRY_DELAYS)],
    // The browser's default without its `tus-br` prefix, so Node (tests, scripts) has one too.
    fingerprint: (blob, { endpoint: url }) =>
      Promise.resolve(["upkit", blob.name, blob.type, blob.size, blob.lastModified, url].join("-")),
    removeFingerprintOnSuccess: true,
    ...(options.urlStorage ? { urlStorage: options.urlStorage } : {}),
    ...(typeof window === "undefined" ? { fileReader: blobFileReader } : {}),
    onShouldRetry: (error) => !signal.aborted && isTusRetryable(error),
    onProgress: (bytesSent) => onProgress(bytesSent),
    onAfterResponse: (request, response) => {
      // A HEAD asks how far an earlier upload of this file got: this one goes on from there.
      if (request.getMethod() !== "HEAD" || response.getStatus() !== 200) return;
      const offset = Number(response.getHeader("Upload-Offset"));
      if (offset > 0) onResumed?.(offset);
    },
  };
}
