import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { EmulatorContext } from "../context";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import {
  type ParsedTransformation,
  parseTransformation,
  TransformationError,
} from "../media/parse-transformation";
import { contentTypeOf, resolveOutputFormat, sourceFormat } from "../media/render-image";
import type { FileRecord, VersionRecord } from "../storage/file-repository";
import { type CachedRender, renderCached } from "./render-cache";
import { describeSource, renderThumbnail, thumbnailSourcePath } from "./render-thumbnail";
import { verifySignedUrl } from "./verify-signed-url";

/** Answers for refused signed URLs (ImageKit documents the 401, not its wording). */
const SIGNATURE_MESSAGES = {
  missing: "This file is private: its URL must be signed.",
  invalid: "The URL signature is invalid.",
  expired: "The signed URL has expired.",
} as const;

/**
 * Files are revalidated on every use (ETag / Last-Modified answer 304): an overwrite keeps the
 * URL, and a development browser should not show the old image for a year as a CDN would.
 */
const CACHE_CONTROL = "public, max-age=0, must-revalidate";

/**
 * The file server: `GET`/`HEAD` of `<urlPath>/<filePath>`, with transformations in the path
 * (`<urlPath>/tr:w-100,h-100/<filePath>`) or the query (`?tr=w-100`), named transformations,
 * post-transformation outputs, thumbnails of videos and images (`<filePath>/ik-thumbnail.jpg`),
 * and signed URLs (`ik-s`, `ik-t`) for private files.
 */
export const handleFileRequest = async (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EmulatorContext,
  url: URL,
): Promise<void> => {
  const target = parseTarget(url.pathname, ctx.urlPath);
  const found = target && findFile(ctx, target.filePath);
  const file = found?.file;
  // Unpublished (draft) files exist only in the media library, never at their URL.
  const version = file?.isPublished ? ctx.files.version(file.currentVersion) : undefined;
  if (!target || !file || !version) throw new ImageKitError(404, MESSAGES.fileNotFound);
  const isThumbnail = found.thumbnail;

  // `updatedAt` (cache busting on file-object URLs), `ik-s` / `ik-t` do not change the output.
  const trStrings = [target.transformation, url.searchParams.get("tr") ?? undefined].filter(
    (t): t is string => t !== undefined && t !== "",
  );
  const trString = trStrings.join(":");
  let parsed: ParsedTransformation;
  try {
    // `so-` (start offset) picks a video thumbnail's frame; no other URL can use it.
    parsed = parseTransformation(trString, { startOffset: isThumbnail });
  } catch (error) {
    if (error instanceof TransformationError) throw new ImageKitError(400, error.message);
    throw error;
  }

  // Private files: the original and unnamed transformations need a valid signature; named
  // transformations (e.g. the media library thumbnail) are served unsigned.
  if (file.isPrivateFile && !parsed.namedOnly) {
    const check = verifySignedUrl(req.url ?? "/", ctx.urlPath, ctx.options.privateKey);
    if (!check.valid) throw new ImageKitError(401, SIGNATURE_MESSAGES[check.reason]);
  }

  const isPrivate = file.isPrivateFile;
  if (isThumbnail) {
    const thumbnail = await renderThumbnail(ctx, file, version, parsed);
    await sendFile(req, res, thumbnail.path, {
      contentType: contentTypeOf(thumbnail.format),
      etag: `"${thumbnail.key}"`,
      lastModified: version.createdAt,
      isPrivate,
      headers: { "x-emulator-thumbnail": describeSource(thumbnail.source) },
    });
    return;
  }

  if (parsed.steps.length === 0 || parsed.steps.some((s) => s.original)) {
    await sendFile(req, res, ctx.blobs.path(version.blob), {
      contentType: version.mime,
      etag: `"${version.blob}"`,
      lastModified: version.createdAt,
      isPrivate,
    });
    return;
  }

  // A post-transformation generated at upload is served as stored, not re-rendered.
  const derived =
    ctx.files.findDerived(version.id, trString) ??
    ctx.files.findDerived(version.id, parsed.canonical);
  if (derived?.blob) {
    await sendFile(req, res, ctx.blobs.path(derived.blob), {
      contentType: derived.mime ?? version.mime,
      etag: `"${derived.blob}"`,
      lastModified: version.createdAt,
      isPrivate,
    });
    return;
  }

  if (version.fileType !== "image" || version.media?.kind !== "image") {
    throw new ImageKitError(400, "The emulator transforms images only; this file is not one.");
  }
  const rendered = await renderImageCached(ctx, file, version, parsed);
  await sendFile(req, res, rendered.path, {
    contentType: contentTypeOf(rendered.format),
    etag: `"${rendered.key}"`,
    lastModified: version.createdAt,
    isPrivate,
  });
};

interface Target {
  /** The `tr:` path segment without its prefix, percent-decoded. */
  transformation?: string;
  /** `/folder/name.jpg`, percent-decoded, as stored. */
  filePath: string;
}

/**
 * The file at `filePath`, or, for `<filePath>/ik-thumbnail.jpg`, the file whose thumbnail it is
 * (a stored file of that exact path wins, though folder names cannot hold a `.` anyway).
 */
function findFile(
  ctx: EmulatorContext,
  filePath: string,
): { file: FileRecord; thumbnail: boolean } | undefined {
  const file = ctx.files.findByPath(filePath);
  if (file) return { file, thumbnail: false };
  const source = thumbnailSourcePath(filePath);
  const original = source === undefined ? undefined : ctx.files.findByPath(source);
  return original ? { file: original, thumbnail: true } : undefined;
}

function parseTarget(pathname: string, urlPath: string): Target | undefined {
  const rest = pathname.slice(urlPath.length + 1);
  const slash = rest.indexOf("/");
  const first = slash === -1 ? rest : rest.slice(0, slash);
  try {
    if (first.startsWith("tr:") || first.startsWith("tr%3A") || first.startsWith("tr%3a")) {
      if (slash === -1) return undefined;
      return {
        transformation: decodeURIComponent(first).slice(3),
        filePath: `/${decodeURIComponent(rest.slice(slash + 1))}`,
      };
    }
    return { filePath: `/${decodeURIComponent(rest)}` };
  } catch {
    // Malformed percent-encoding names no file.
    return undefined;
  }
}

/**
 * An image URL's rendition, cached on disk. The key covers the version's blob (new content, new
 * key), the normalized steps, the output format and, for `fo-custom`, the file's current
 * customCoordinates (editable without a new version).
 */
async function renderImageCached(
  ctx: EmulatorContext,
  file: FileRecord,
  version: VersionRecord,
  parsed: ParsedTransformation,
): Promise<CachedRender> {
  const source = sourceFormat(version.mime, version.media?.hasAlpha ?? false);
  const format = resolveOutputFormat(parsed.steps, source);
  const custom = parsed.steps.some((s) => s.focus === "custom") ? file.customCoordinates : "";
  const key = createHash("sha1")
    .update([version.blob, parsed.canonical, format, custom ?? ""].join("\n"))
    .digest("hex");
  return renderCached(ctx, {
    key,
    format,
    input: ctx.blobs.path(version.blob),
    steps: parsed.steps,
    options: { customCoordinates: file.customCoordinates },
  });
}

interface SendOptions {
  contentType: string;
  etag: string;
  lastModified: string;
  isPrivate: boolean;
  /** Sent with every answer (200, 206, 304). */
  headers?: Record<string, string>;
}

/** Streams a file from disk with validators, HEAD and single byte ranges. */
async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: SendOptions,
): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new ImageKitError(404, MESSAGES.fileNotFound);
  }
  const modified = new Date(options.lastModified);
  const headers: Record<string, string | number> = {
    "content-type": options.contentType,
    etag: options.etag,
    "last-modified": modified.toUTCString(),
    "cache-control": options.isPrivate ? "private, max-age=0, must-revalidate" : CACHE_CONTROL,
    "accept-ranges": "bytes",
    ...options.headers,
  };

  if (notModified(req, options.etag, modified)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }

  let start = 0;
  let end = size - 1;
  let status = 200;
  const range = req.headers.range;
  if (range && size > 0 && ifRangeMatches(req, options.etag)) {
    const parsed = parseRange(range, size);
    if (parsed === "unsatisfiable") {
      res.writeHead(416, { ...headers, "content-range": `bytes */${size}` });
      res.end();
      return;
    }
    if (parsed) {
      ({ start, end } = parsed);
      status = 206;
      headers["content-range"] = `bytes ${start}-${end}/${size}`;
    }
  }
  headers["content-length"] = size === 0 ? 0 : end - start + 1;
  res.writeHead(status, headers);
  if (req.method === "HEAD" || size === 0) {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(path, { start, end }), res);
  } catch {
    // The client went away, or the file vanished mid-stream: nothing more can be sent.
    res.destroy();
  }
}

function notModified(req: IncomingMessage, etag: string, modified: Date): boolean {
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch === "*" || ifNoneMatch.split(",").some((t) => t.trim() === etag);
  }
  const since = req.headers["if-modified-since"];
  if (since === undefined) return false;
  const time = Date.parse(since);
  // HTTP dates have second precision.
  return !Number.isNaN(time) && Math.floor(modified.getTime() / 1000) * 1000 <= time;
}

function ifRangeMatches(req: IncomingMessage, etag: string): boolean {
  const ifRange = req.headers["if-range"];
  return ifRange === undefined || ifRange === etag;
}

/** A single `bytes=` range; undefined (serve everything) for forms the emulator ignores. */
function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | "unsatisfiable" | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (match[1] === "") {
    // `bytes=-500`: the last 500 bytes.
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}
