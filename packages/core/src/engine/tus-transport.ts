import type { PreviousUpload, Upload, UploadOptions, UrlStorage } from "tus-js-client";
import { UploadError } from "../upload-error";
import { blobFileReader } from "./blob-file-reader";
import { TUS_CHUNK_SIZE, TUS_RETRY_DELAYS } from "./defaults";
import { abortedError } from "./fetch-json";
import { pollTusResult } from "./poll-tus-result";
import { isTusRetryable, toTusError } from "./tus-error";
import type { TusOptions, TusUrlStorage } from "./tus-options";
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
      const { Upload, defaultOptions } = await import("tus-js-client");
      const upload = await sendBytes(Upload, context, options, uploadUrls);
      const url = upload.url as string;
      try {
        const outcome = await pollTusResult(url, context);
        await forget(upload, options.urlStorage ?? defaultOptions.urlStorage, uploadUrls);
        return outcome;
      } catch (error) {
        if (isFinalAnswer(error)) {
          await forget(upload, options.urlStorage ?? defaultOptions.urlStorage, uploadUrls);
        }
        throw error;
      }
    },
  };
}

/**
 * Whether the server gave the upload its last word (a refusal it will repeat): then neither a
 * retry nor a reload should go back to it. A lost connection, a pause or a 5xx leave the URL
 * kept, so that asking again reaches the result (or a forward started anew from the bytes).
 */
function isFinalAnswer(error: unknown): boolean {
  const status = error instanceof UploadError ? error.status : undefined;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Drops the upload's URL from the engine and from URL storage: a new add starts afresh. */
async function forget(
  upload: Upload,
  storage: TusUrlStorage | UrlStorage,
  uploadUrls: WeakMap<File, string>,
): Promise<void> {
  uploadUrls.delete(upload.file as File);
  try {
    const stored = await upload.findPreviousUploads();
    const ours = stored.filter((previous) => previous.uploadUrl === upload.url);
    await Promise.all(ours.map((previous) => storage.removeUpload(previous.urlStorageKey)));
  } catch {
    // Storage is advice: at worst a later add of the file asks the server and starts anew.
  }
}

/** Sends the file's bytes to the server; resolves the upload once all are there. */
function sendBytes(
  Upload: UploadClass,
  context: UploadContext,
  options: TusOptions,
  uploadUrls: WeakMap<File, string>,
): Promise<Upload> {
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
        if (upload.url) resolve(upload);
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
    // Kept until the server's result is final (`forget`): a reload while the server forwards the
    // file to ImageKit then finds the finished upload and asks its result, instead of resending.
    removeFingerprintOnSuccess: false,
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
