import { createHash } from "node:crypto";
import type { Database } from "../storage/database";

/** A folder as the emulator keeps it: created on demand by uploads, never updated. */
export interface StoredFolder {
  /** `/a/b/`. */
  path: string;
  createdAt: string;
}

export function listFolders(db: Database): StoredFolder[] {
  return db
    .prepare("SELECT path, created_at AS createdAt FROM folders ORDER BY created_at, path")
    .all() as StoredFolder[];
}

/** The folder holding `/a/b/` (or a file's folder): `/a/`; `/` for a top-level folder. */
export function parentOf(path: string): string {
  return path.replace(/[^/]+\/$/, "");
}

/** `summer` for `/images/summer/`. */
export function folderName(path: string): string {
  return path.split("/").filter(Boolean).pop() ?? "";
}

/** A stable 24-hex id (the emulator's folders have no id of their own). */
export function folderId(path: string): string {
  return createHash("sha1").update(`folder:${path}`).digest("hex").slice(0, 24);
}

/**
 * The Folder object of the list API (`type: "folder"`), as the OpenAPI example and the Node
 * SDK's `Folder` type show it: `folderPath` without the trailing slash (`/images/summer`).
 */
export function toFolderObject(folder: StoredFolder): Record<string, unknown> {
  return {
    type: "folder",
    folderId: folderId(folder.path),
    name: folderName(folder.path),
    folderPath: folder.path.slice(0, -1),
    customMetadata: {},
    createdAt: folder.createdAt,
    updatedAt: folder.createdAt,
  };
}
