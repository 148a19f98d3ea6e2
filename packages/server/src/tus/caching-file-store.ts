import { stat } from "node:fs/promises";
import { FileStore } from "@tus/file-store";
import { Upload } from "@tus/server";

/** What never changes once an upload exists: the route refuses deferred lengths. */
interface UploadRecord {
  size: number | undefined;
  metadata: Upload["metadata"];
  creation_date: string | undefined;
  path: string;
}

/** Records kept; past it the oldest goes (it is read from the store again when asked for). */
const MAX_RECORDS = 1000;

/**
 * tus's `FileStore`, remembering each upload's metadata (size, owner, profile, name) once read:
 * a PATCH looks its upload up twice (the route's owner check, then tus under the lock), and each
 * look-up read the metadata file (open, stat, read, close; a Redis GET with a shared configstore)
 * and stat the data file. With the record known, a look-up is one `stat`: the offset, always read
 * afresh from the file, where another instance may have written. An upload that is gone (removed
 * here or by another instance) is forgotten and looked up as before, so it answers as before.
 */
export class CachingFileStore extends FileStore {
  readonly #records = new Map<string, UploadRecord>();

  override async create(upload: Upload): Promise<Upload> {
    const created = await super.create(upload);
    this.#remember(created);
    return created;
  }

  override async getUpload(id: string): Promise<Upload> {
    const record = this.#records.get(id);
    if (record) {
      const stats = await stat(record.path).catch(() => undefined);
      if (stats?.isFile()) {
        const { path, metadata, ...fixed } = record;
        const storage = { type: "file", path };
        return new Upload({ id, ...fixed, metadata: { ...metadata }, offset: stats.size, storage });
      }
      this.#records.delete(id);
    }
    const upload = await super.getUpload(id);
    this.#remember(upload);
    return upload;
  }

  /**
   * The upload's metadata when this store already knows it, without touching the disk; else
   * undefined. Says nothing of its offset, nor whether it still exists: `getUpload` does.
   */
  knownMetadata(id: string): Upload["metadata"] | undefined {
    const record = this.#records.get(id);
    return record && { ...record.metadata };
  }

  override async remove(id: string): Promise<void> {
    this.#records.delete(id);
    await super.remove(id);
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    this.#records.delete(id);
    await super.declareUploadLength(id, length);
  }

  #remember(upload: Upload): void {
    const path = upload.storage?.path;
    // Only a known size is final (a deferred one would change).
    if (!path || upload.size === undefined) return;
    const { size, creation_date } = upload;
    this.#records.delete(upload.id);
    this.#records.set(upload.id, { size, metadata: { ...upload.metadata }, creation_date, path });
    if (this.#records.size > MAX_RECORDS) {
      this.#records.delete(this.#records.keys().next().value as string);
    }
  }
}
