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

/** The sorts ImageKit's list API documents. */
export type ListFilesSort =
  `${"ASC" | "DESC"}_${"CREATED" | "UPDATED" | "NAME" | "SIZE" | "HEIGHT" | "WIDTH"}`;

/** `GET /v1/files` (list and search assets). */
export interface ListFilesQuery {
  /** The folder whose assets to list, e.g. `/avatars/` (its subfolders' content is not listed). */
  path?: string;
  /** Files with any of these tags. No effect with `searchQuery`, as ImageKit documents. */
  tags?: string[];
  fileType?: "all" | "image" | "non-image";
  sort?: ListFilesSort;
  limit?: number;
  skip?: number;
  /** `file` (the default), `folder`, or `all` (both). No effect with `searchQuery`. */
  type?: "file" | "folder" | "all";
  /**
   * ImageKit's search language, e.g. `createdAt > "7d" AND tags IN ["sale"]` or
   * `"customMetadata.brand" = "Nike"`. It lists files only unless it names `type`
   * (`type = "folder"`, `type IN ["file", "folder"]`).
   */
  searchQuery?: string;
}

/** A folder as ImageKit's list API answers it (`type=folder` or `all`, or a search). */
export interface FolderDetails {
  type: "folder";
  folderId: string;
  name: string;
  /** `/images/summer`: no trailing slash. */
  folderPath: string;
  createdAt?: string;
  updatedAt?: string;
  customMetadata?: Record<string, unknown>;
}

/** What a list may hold; tell them apart with `"folderId" in asset`. */
export type ListedAsset = FileDetails | FolderDetails;

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
  /** Files (the default type, no search). */
  listFiles(
    query?: ListFilesQuery & { type?: "file"; searchQuery?: undefined },
    options?: RequestOptions,
  ): Promise<FileDetails[]>;
  /** Folders. */
  listFiles(
    query: ListFilesQuery & { type: "folder"; searchQuery?: undefined },
    options?: RequestOptions,
  ): Promise<FolderDetails[]>;
  /** `type: "all"`, or a search (which picks the types itself): files and folders. */
  listFiles(query?: ListFilesQuery, options?: RequestOptions): Promise<ListedAsset[]>;
  deleteFile(fileId: string, options?: RequestOptions): Promise<void>;
}
