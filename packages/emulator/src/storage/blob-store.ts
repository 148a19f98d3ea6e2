import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomHex } from "../ids";

/**
 * File contents on disk. Everything is written to `tmp/` first and renamed into `blobs/` only
 * once it is complete and accepted, so a crash or an aborted upload never leaves a half file
 * where the file server or the database could see it.
 */
export class BlobStore {
  readonly blobDir: string;
  readonly tmpDir: string;

  constructor(dataDir: string) {
    this.blobDir = join(dataDir, "blobs");
    this.tmpDir = join(dataDir, "tmp");
  }

  /** Creates the directories and clears leftovers of uploads that a crash interrupted. */
  async init(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(this.blobDir, { recursive: true });
  }

  /** A fresh temp path; the caller writes it, then `commit`s or `discard`s it. */
  tempPath(): string {
    return join(this.tmpDir, `${randomHex(16)}.part`);
  }

  /** Streams `source` into a new temp file; returns its path. */
  async writeTemp(source: Readable | AsyncIterable<Uint8Array>): Promise<string> {
    const path = this.tempPath();
    try {
      await pipeline(source, createWriteStream(path));
      return path;
    } catch (error) {
      await this.discard(path);
      throw error;
    }
  }

  /** Moves a finished temp file into the store (atomic on one file system); returns its key. */
  async commit(tempPath: string): Promise<string> {
    const key = randomHex(16);
    await rename(tempPath, this.path(key));
    return key;
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  path(key: string): string {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error(`Invalid blob key: ${key}`);
    return join(this.blobDir, key);
  }

  async size(key: string): Promise<number> {
    return (await stat(this.path(key))).size;
  }

  /** Deletes blobs nothing refers to: left when a crash fell between a rename and its commit. */
  async sweep(isReferenced: (key: string) => boolean): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.blobDir)) {
      if (!isReferenced(name)) {
        await rm(join(this.blobDir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }
}
