/** An upload tus-js-client kept for resuming (its `PreviousUpload`). */
export interface TusPreviousUpload {
  size: number | null;
  metadata: { [key: string]: string };
  creationTime: string;
  urlStorageKey: string;
  uploadUrl: string | null;
  parallelUploadUrls: string[] | null;
}

/**
 * Where tus-js-client keeps upload URLs by file fingerprint (its `UrlStorage`), written out here
 * so the kit's published types do not need tus-js-client's, which an app may not have installed.
 */
export interface TusUrlStorage {
  findAllUploads(): Promise<TusPreviousUpload[]>;
  findUploadsByFingerprint(fingerprint: string): Promise<TusPreviousUpload[]>;
  removeUpload(urlStorageKey: string): Promise<void>;
  /** Resolves the key that `removeUpload` takes. */
  addUpload(fingerprint: string, upload: TusPreviousUpload): Promise<string>;
}

/** Settings of the tus transport (`createUploader({ tus })`). */
export interface TusOptions {
  /**
   * Bytes per PATCH request. Default 4 MiB (`TUS_CHUNK_SIZE`), under the body limits of
   * serverless platforms and of Next.js middleware. A self-hosted server without such limits
   * can take larger chunks (fewer requests); a lost connection then resends up to one chunk.
   */
  chunkSize?: number;
  /** Milliseconds to wait before each retry of a lost request. Default `[0, 1000, 3000, 5000]`. */
  retryDelays?: number[];
  /**
   * Where the upload URLs are kept, so that the same file added after a page reload goes on
   * from the server's offset. Default: tus-js-client's (localStorage in browsers, none in Node).
   */
  urlStorage?: TusUrlStorage;
}
