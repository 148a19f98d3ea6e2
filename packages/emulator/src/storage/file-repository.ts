import type { MediaInfo } from "../media/media-info";
import type { Database } from "./database";

export interface FileRecord {
  id: string;
  filePath: string;
  name: string;
  folder: string;
  currentVersion: string;
  versionCount: number;
  isPrivateFile: boolean;
  isPublished: boolean;
  tags: string[] | null;
  AITags: AITag[] | null;
  customCoordinates: string | null;
  customMetadata: Record<string, unknown>;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AITag {
  name: string;
  confidence: number;
  source: string;
}

export interface VersionRecord {
  id: string;
  fileId: string;
  number: number;
  blob: string;
  size: number;
  mime: string;
  fileType: "image" | "non-image";
  media: MediaInfo;
  createdAt: string;
}

export interface DerivedRecord {
  versionId: string;
  transformation: string;
  kind: string;
  status: "pending" | "success" | "failed";
  blob: string | null;
  mime: string | null;
}

export const LIST_SORTS = [
  "ASC_CREATED",
  "DESC_CREATED",
  "ASC_UPDATED",
  "DESC_UPDATED",
  "ASC_NAME",
  "DESC_NAME",
  "ASC_SIZE",
  "DESC_SIZE",
  "ASC_HEIGHT",
  "DESC_HEIGHT",
  "ASC_WIDTH",
  "DESC_WIDTH",
] as const;

export interface ListQuery {
  /** Folder path: the files directly in it (as ImageKit's list API without `searchQuery`). */
  path?: string;
  /** Files having any of these tags. */
  tags?: string[];
  fileType?: "image" | "non-image";
  limit: number;
  skip: number;
  sort?: (typeof LIST_SORTS)[number];
}

type Row = Record<string, unknown>;

const json = <T>(value: unknown): T =>
  value == null ? (null as T) : (JSON.parse(String(value)) as T);

function toFile(row: Row): FileRecord {
  return {
    id: String(row.id),
    filePath: String(row.file_path),
    name: String(row.name),
    folder: String(row.folder),
    currentVersion: String(row.current_version),
    versionCount: Number(row.version_count),
    isPrivateFile: row.is_private === 1,
    isPublished: row.is_published === 1,
    tags: json(row.tags),
    AITags: json(row.ai_tags),
    customCoordinates: (row.custom_coordinates as string | null) ?? null,
    customMetadata: json(row.custom_metadata) ?? {},
    description: (row.description as string | null) ?? null,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

function toVersion(row: Row): VersionRecord {
  return {
    id: String(row.id),
    fileId: String(row.file_id),
    number: Number(row.number),
    blob: String(row.blob),
    size: Number(row.size),
    mime: String(row.mime),
    fileType: row.file_type === "image" ? "image" : "non-image",
    media: json(row.media),
    createdAt: String(row.created_at),
  };
}

function toDerived(row: Row): DerivedRecord {
  return {
    versionId: String(row.version_id),
    transformation: String(row.transformation),
    kind: String(row.kind),
    status: row.status as DerivedRecord["status"],
    blob: (row.blob as string | null) ?? null,
    mime: (row.mime as string | null) ?? null,
  };
}

/** Files, their versions, folders and derived (post-transformed) images, over SQLite. */
export class FileRepository {
  constructor(private readonly db: Database) {}

  findById(id: string): FileRecord | undefined {
    const row = this.db.prepare("SELECT * FROM files WHERE id = ?").get(id) as Row | undefined;
    return row && toFile(row);
  }

  findByPath(filePath: string): FileRecord | undefined {
    const row = this.db.prepare("SELECT * FROM files WHERE file_path = ?").get(filePath) as
      | Row
      | undefined;
    return row && toFile(row);
  }

  version(id: string): VersionRecord | undefined {
    const row = this.db.prepare("SELECT * FROM versions WHERE id = ?").get(id) as Row | undefined;
    return row && toVersion(row);
  }

  versions(fileId: string): VersionRecord[] {
    return (
      this.db
        .prepare("SELECT * FROM versions WHERE file_id = ? ORDER BY number")
        .all(fileId) as Row[]
    ).map(toVersion);
  }

  list(query: ListQuery): FileRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.path !== undefined) {
      where.push("folder = ?");
      params.push(query.path);
    }
    if (query.tags?.length) {
      where.push(
        `EXISTS (SELECT 1 FROM json_each(files.tags) WHERE json_each.value IN (${query.tags.map(() => "?").join(",")}))`,
      );
      params.push(...query.tags);
    }
    if (query.fileType) {
      where.push("(SELECT file_type FROM versions WHERE versions.id = files.current_version) = ?");
      params.push(query.fileType);
    }
    const size = "(SELECT size FROM versions WHERE versions.id = files.current_version)";
    const media = (key: string) =>
      `(SELECT json_extract(media, '$.${key}') FROM versions WHERE versions.id = files.current_version)`;
    const order = {
      ASC_CREATED: "created_at ASC, rowid ASC",
      DESC_CREATED: "created_at DESC, rowid DESC",
      ASC_UPDATED: "updated_at ASC, rowid ASC",
      DESC_UPDATED: "updated_at DESC, rowid DESC",
      ASC_NAME: "name ASC",
      DESC_NAME: "name DESC",
      ASC_SIZE: `${size} ASC`,
      DESC_SIZE: `${size} DESC`,
      ASC_HEIGHT: `${media("height")} ASC`,
      DESC_HEIGHT: `${media("height")} DESC`,
      ASC_WIDTH: `${media("width")} ASC`,
      DESC_WIDTH: `${media("width")} DESC`,
    }[query.sort ?? "ASC_CREATED"];
    const sql = `SELECT * FROM files ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return (this.db.prepare(sql).all(...params, query.limit, query.skip) as Row[]).map(toFile);
  }

  insert(file: FileRecord, version: VersionRecord): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO files (id, file_path, name, folder, current_version, version_count, is_private, is_published,
             tags, ai_tags, custom_coordinates, custom_metadata, description, created_at, updated_at)
           VALUES (@id, @filePath, @name, @folder, @currentVersion, @versionCount, @isPrivate, @isPublished,
             @tags, @aiTags, @customCoordinates, @customMetadata, @description, @createdAt, @updatedAt)`,
        )
        .run(this.fileParams(file));
      this.insertVersion(version);
      this.ensureFolders(file.folder, file.createdAt);
    })();
  }

  /** Replaces the file's row (its current state) and adds the version in one transaction. */
  addVersion(file: FileRecord, version: VersionRecord): void {
    this.db.transaction(() => {
      this.update(file);
      this.insertVersion(version);
    })();
  }

  update(file: FileRecord): void {
    this.db
      .prepare(
        `UPDATE files SET current_version = @currentVersion, version_count = @versionCount, is_private = @isPrivate,
           is_published = @isPublished, tags = @tags, ai_tags = @aiTags, custom_coordinates = @customCoordinates,
           custom_metadata = @customMetadata, description = @description, updated_at = @updatedAt
         WHERE id = @id`,
      )
      .run(this.fileParams(file));
  }

  /** Deletes a file with its versions and derived images; returns the blob keys to remove. */
  delete(id: string): string[] {
    return this.db.transaction(() => {
      const versions = this.versions(id);
      const ids = versions.map((v) => v.id);
      const derived = ids.flatMap((v) => this.derived(v)).flatMap((d) => (d.blob ? [d.blob] : []));
      for (const v of ids) this.db.prepare("DELETE FROM derived WHERE version_id = ?").run(v);
      this.db.prepare("DELETE FROM versions WHERE file_id = ?").run(id);
      this.db.prepare("DELETE FROM files WHERE id = ?").run(id);
      return [...versions.map((v) => v.blob), ...derived];
    })();
  }

  folders(): string[] {
    return (
      this.db.prepare("SELECT path FROM folders ORDER BY path").all() as { path: string }[]
    ).map((r) => r.path);
  }

  derived(versionId: string): DerivedRecord[] {
    return (
      this.db.prepare("SELECT * FROM derived WHERE version_id = ?").all(versionId) as Row[]
    ).map(toDerived);
  }

  findDerived(versionId: string, transformation: string): DerivedRecord | undefined {
    const row = this.db
      .prepare(
        "SELECT * FROM derived WHERE version_id = ? AND transformation = ? AND status = 'success' AND blob IS NOT NULL",
      )
      .get(versionId, transformation) as Row | undefined;
    return row && toDerived(row);
  }

  saveDerived(record: DerivedRecord): void {
    this.db
      .prepare(
        `INSERT INTO derived (version_id, transformation, kind, status, blob, mime)
         VALUES (@versionId, @transformation, @kind, @status, @blob, @mime)
         ON CONFLICT (version_id, kind, transformation) DO UPDATE SET status = excluded.status, blob = excluded.blob, mime = excluded.mime`,
      )
      .run(record);
  }

  /** Every blob key the database refers to, for the start-up sweep of orphans. */
  referencedBlobs(): Set<string> {
    const rows = this.db
      .prepare("SELECT blob FROM versions UNION SELECT blob FROM derived WHERE blob IS NOT NULL")
      .all() as { blob: string }[];
    return new Set(rows.map((r) => r.blob));
  }

  private insertVersion(version: VersionRecord): void {
    this.db
      .prepare(
        `INSERT INTO versions (id, file_id, number, blob, size, mime, file_type, media, created_at)
         VALUES (@id, @fileId, @number, @blob, @size, @mime, @fileType, @media, @createdAt)`,
      )
      .run({ ...version, media: JSON.stringify(version.media) });
  }

  private ensureFolders(folder: string, createdAt: string): void {
    const parts = folder.split("/").filter(Boolean);
    const insert = this.db.prepare(
      "INSERT OR IGNORE INTO folders (path, created_at) VALUES (?, ?)",
    );
    for (let i = 1; i <= parts.length; i++)
      insert.run(`/${parts.slice(0, i).join("/")}/`, createdAt);
  }

  private fileParams(file: FileRecord) {
    return {
      id: file.id,
      filePath: file.filePath,
      name: file.name,
      folder: file.folder,
      currentVersion: file.currentVersion,
      versionCount: file.versionCount,
      isPrivate: file.isPrivateFile ? 1 : 0,
      isPublished: file.isPublished ? 1 : 0,
      tags: file.tags ? JSON.stringify(file.tags) : null,
      aiTags: file.AITags ? JSON.stringify(file.AITags) : null,
      customCoordinates: file.customCoordinates,
      customMetadata: JSON.stringify(file.customMetadata),
      description: file.description,
      createdAt: file.createdAt,
      updatedAt: file.updatedAt,
    };
  }
}
