import { mkdirSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";

export type Database = BetterSqlite3.Database;

/**
 * The emulator's metadata lives in SQLite, so a restart keeps every file, version, tag and
 * metadata field, and every change of several rows is one transaction.
 */
export function openDatabase(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new BetterSqlite3(join(dataDir, "emulator.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.exec(SCHEMA);
  return db;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS files (
  id                 TEXT PRIMARY KEY,
  file_path          TEXT NOT NULL UNIQUE,
  name               TEXT NOT NULL,
  folder             TEXT NOT NULL,
  current_version    TEXT NOT NULL,
  version_count      INTEGER NOT NULL,
  is_private         INTEGER NOT NULL DEFAULT 0,
  is_published       INTEGER NOT NULL DEFAULT 1,
  tags               TEXT,            -- JSON array or NULL
  ai_tags            TEXT,            -- JSON array or NULL
  custom_coordinates TEXT,
  custom_metadata    TEXT NOT NULL DEFAULT '{}',
  description        TEXT,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_folder ON files(folder);

CREATE TABLE IF NOT EXISTS versions (
  id                 TEXT PRIMARY KEY,
  file_id            TEXT NOT NULL,
  number             INTEGER NOT NULL,
  blob               TEXT NOT NULL,   -- path under the blob directory
  size               INTEGER NOT NULL,
  mime               TEXT NOT NULL,
  file_type          TEXT NOT NULL,   -- image | non-image
  media              TEXT NOT NULL,   -- JSON: MediaInfo (width, height, hasAlpha, embeddedMetadata, ...)
  created_at         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_file ON versions(file_id);

CREATE TABLE IF NOT EXISTS folders (
  path               TEXT PRIMARY KEY,
  created_at         TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS derived (
  version_id         TEXT NOT NULL,
  transformation     TEXT NOT NULL,   -- the post-transformation's URL string, e.g. "w-150,h-150"
  kind               TEXT NOT NULL,   -- transformation | thumbnail | gif-to-video | abs
  status             TEXT NOT NULL,   -- pending | success | failed
  blob               TEXT,
  mime               TEXT,
  PRIMARY KEY (version_id, kind, transformation)
);

CREATE TABLE IF NOT EXISTS custom_metadata_fields (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL UNIQUE,
  label              TEXT NOT NULL,
  schema             TEXT NOT NULL,   -- JSON
  description        TEXT,
  deleted            INTEGER NOT NULL DEFAULT 0,
  created_at         TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS used_tokens (
  token              TEXT PRIMARY KEY,
  used_at            INTEGER NOT NULL -- unix seconds
);
`;
