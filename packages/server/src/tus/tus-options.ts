import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { DataStore, Locker } from "@tus/server";

/** A tus store the server can read a finished upload back from (`FileStore`, `S3Store`). */
export type ReadableDataStore = DataStore & {
  read(id: string): Readable | Promise<Readable>;
};

/** The `tus` option of `createUploadHandler`: where resumable uploads wait for their last byte. */
export interface TusOptions {
  /**
   * Where the default `FileStore` keeps uploads. Default `join(os.tmpdir(), "upkit-tus")`: fine
   * for one instance; behind several, a directory they share (with `datastore`'s configstore).
   */
  directory?: string;
  /** Any tus store with `read` (e.g. `@tus/s3-store`'s `S3Store`); replaces `directory`. */
  datastore?: ReadableDataStore;
  /** Default tus's `MemoryLocker`: right for one instance only. */
  locker?: Locker;
  /** Seconds an incomplete upload is kept; default 86 400 (24 h). */
  expiresIn?: number;
}

export const DEFAULT_TUS_DIRECTORY = join(tmpdir(), "upkit-tus");
export const DEFAULT_TUS_EXPIRES_IN = 24 * 60 * 60;

/**
 * Advice for the browser's chunk size, bytes: under the 4.5 MB body cap of serverless platforms
 * and Next.js's 10 MB middleware cap (a larger PATCH is cut there, see docs/tus-and-scale-out.md).
 */
export const RECOMMENDED_TUS_CHUNK_SIZE = 4 * 1024 * 1024;
