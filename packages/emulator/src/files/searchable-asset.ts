import type { FileRecord, VersionRecord } from "../storage/file-repository";
import { folderId, folderName, parentOf, type StoredFolder } from "./folders";

/** What a `searchQuery` and the list's sort can ask about a file or a folder. */
export interface SearchableAsset {
  type: "file" | "folder";
  /** `fileId` or `folderId`. */
  id: string;
  name: string;
  /** The folder holding it: `/` or `/a/b/`. */
  path: string;
  /** `tags` and the names of `AITags`, which ImageKit's `tags` search covers both. */
  tags: string[];
  createdAt: string;
  updatedAt: string;
  fileType?: "image" | "non-image";
  size?: number;
  /** Pixels as probed (videos too); the `width` / `height` search reads them for images only. */
  width?: number;
  height?: number;
  /** Seconds, videos only. */
  duration?: number;
  /** One of the documented `format` values, from the detected MIME type. */
  format?: string;
  isPrivate?: boolean;
  isPublished?: boolean;
  hasAlpha?: boolean;
  customMetadata: Record<string, unknown>;
  embeddedMetadata: Record<string, unknown>;
}

/** The documented `format` values by MIME type. */
const FORMATS: Readonly<Record<string, string>> = {
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/png": "png",
  "image/gif": "gif",
  "image/svg+xml": "svg",
  "image/avif": "avif",
  "application/pdf": "pdf",
  "application/javascript": "js",
  "text/javascript": "js",
  "font/woff2": "woff2",
  "font/woff": "woff",
  "font/ttf": "ttf",
  "font/otf": "otf",
  "application/vnd.ms-fontobject": "eot",
  "text/css": "css",
  "text/plain": "txt",
  "video/mp4": "mp4",
  "video/webm": "webm",
  "video/quicktime": "mov",
  "application/x-shockwave-flash": "swf",
  "video/mp2t": "ts",
  "application/vnd.apple.mpegurl": "m3u8",
  "application/x-mpegurl": "m3u8",
  "image/x-icon": "ico",
  "image/vnd.microsoft.icon": "ico",
};

export const SEARCH_FORMATS: readonly string[] = [...new Set(Object.values(FORMATS))];

export function fileAsset(file: FileRecord, version: VersionRecord): SearchableAsset {
  const { media } = version;
  return {
    type: "file",
    id: file.id,
    name: file.name,
    path: file.folder,
    tags: [...(file.tags ?? []), ...(file.AITags ?? []).map((tag) => tag.name)],
    createdAt: file.createdAt,
    updatedAt: file.updatedAt,
    fileType: version.fileType,
    size: version.size,
    width: media.width,
    height: media.height,
    duration: media.video?.duration,
    format: FORMATS[version.mime],
    isPrivate: file.isPrivateFile,
    isPublished: file.isPublished,
    hasAlpha: media.hasAlpha ?? false,
    customMetadata: file.customMetadata,
    embeddedMetadata: media.embeddedMetadata ?? {},
  };
}

export function folderAsset(folder: StoredFolder): SearchableAsset {
  return {
    type: "folder",
    id: folderId(folder.path),
    name: folderName(folder.path),
    path: parentOf(folder.path),
    tags: [],
    createdAt: folder.createdAt,
    updatedAt: folder.createdAt,
    customMetadata: {},
    embeddedMetadata: {},
  };
}
