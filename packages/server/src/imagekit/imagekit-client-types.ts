import type { FileDetails, UploadResult } from "@upkit/core";

/** A file to send upstream: a replayable Blob, or a stream that can be read only once. */
export interface UploadSource {
  /** The bytes. A stream is not retried (it cannot be replayed); a Blob is. */
  body: Blob | ReadableStream<Uint8Array>;
  /** The multipart part's filename (ImageKit's SDKs set it to `fileName`). */
  fileName: string;
  /** The part's Content-Type; default `application/octet-stream`. */
  contentType?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ListFilesQuery {
  path?: string;
  tags?: string[];
  fileType?: "all" | "image" | "non-image";
  sort?: "ASC_CREATED" | "DESC_CREATED" | "ASC_NAME" | "DESC_NAME";
  limit?: number;
  skip?: number;
}

/**
 * What the server needs of ImageKit, with the private key inside (Basic auth). Every call takes
 * an AbortSignal; transient failures (network, 5xx, 429) are retried with backoff and jitter,
 * honouring `Retry-After` / `X-RateLimit-Reset`; other 4xx are never retried. Failures are
 * `UploadError`s carrying ImageKit's message (never the key).
 */
export interface ImageKitClient {
  /** `POST {uploadEndpoint}/api/v1/files/upload` with the given form fields (strings) and file. */
  upload(
    fields: Record<string, string>,
    file: UploadSource,
    options?: RequestOptions,
  ): Promise<UploadResult>;
  getFileDetails(fileId: string, options?: RequestOptions): Promise<FileDetails>;
  listFiles(query?: ListFilesQuery, options?: RequestOptions): Promise<FileDetails[]>;
  deleteFile(fileId: string, options?: RequestOptions): Promise<void>;
}
