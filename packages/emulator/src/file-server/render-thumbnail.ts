import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { EmulatorContext } from "../context";
import { ImageKitError } from "../http/imagekit-error";
import { canExtractFrame, extractVideoFrame, ffmpegCommand } from "../media/extract-video-frame";
import type { ParsedTransformation } from "../media/parse-transformation";
import { placeholderSize, writePlaceholderFrame } from "../media/placeholder-frame";
import { resolveOutputFormat } from "../media/render-image";
import type { FileRecord, VersionRecord } from "../storage/file-repository";
import { type CachedRender, cacheDir, exists, renderCached } from "./render-cache";

/**
 * ImageKit's thumbnail URL: `ik-thumbnail.jpg` appended to a file's URL
 * (`https://ik.imagekit.io/demo/sample-video.mp4/ik-thumbnail.jpg`), with transformations in
 * the path or the query (`?tr=w-300`, `so-5` for the frame at 5 s).
 */
export const THUMBNAIL_SUFFIX = "/ik-thumbnail.jpg";

/** ImageKit ignores this suffix (for videos without an `.mp4` extension) when finding the file. */
const VIDEO_SUFFIX = "/ik-video.mp4";

/** The file path a thumbnail path is for (`/a/b.mp4/ik-thumbnail.jpg` → `/a/b.mp4`), if it is one. */
export function thumbnailSourcePath(path: string): string | undefined {
  if (!path.endsWith(THUMBNAIL_SUFFIX)) return undefined;
  let source = path.slice(0, -THUMBNAIL_SUFFIX.length);
  if (source.endsWith(VIDEO_SUFFIX)) source = source.slice(0, -VIDEO_SUFFIX.length);
  return source.length > 1 ? source : undefined;
}

export type ThumbnailSource =
  | { kind: "frame" | "image" }
  | { kind: "placeholder"; reason: "ffmpeg-missing" | "undecodable" | "unsupported-format" };

export interface RenderedThumbnail extends CachedRender {
  source: ThumbnailSource;
}

/**
 * The thumbnail of an image (itself, as JPEG unless `f-` says otherwise) or of a video (its
 * frame at `so-`, default the first, taken with ffmpeg), with the URL's other transformations
 * applied by the same pipeline as image URLs. Without ffmpeg, or for a file it cannot decode, a
 * video gets a generic placeholder picture instead (never a 5xx), marked in the
 * `x-emulator-thumbnail` header.
 */
export async function renderThumbnail(
  ctx: EmulatorContext,
  file: FileRecord,
  version: VersionRecord,
  parsed: ParsedTransformation,
): Promise<RenderedThumbnail> {
  const { media } = version;
  const kind = media?.kind;
  if (kind !== "image" && kind !== "video") {
    throw new ImageKitError(
      400,
      "The emulator makes thumbnails of images and videos only; this file is neither.",
    );
  }
  let offset: number | undefined;
  for (const step of parsed.steps) if (step.startOffset !== undefined) offset = step.startOffset;

  let input: string;
  let source: ThumbnailSource;
  if (kind === "image") {
    if (offset !== undefined) {
      throw new ImageKitError(400, "The so parameter applies to video thumbnails only.");
    }
    input = ctx.blobs.path(version.blob);
    source = { kind: "image" };
  } else {
    const duration = media.video?.duration;
    // ImageKit documents `so` as "less than the duration of the input video".
    if (offset !== undefined && offset > 0 && duration !== undefined && offset >= duration) {
      throw new ImageKitError(
        400,
        `Invalid transformation parameter: so-${offset}. The start offset must be less than the video's duration (${duration} s).`,
      );
    }
    ({ input, source } = await videoFrame(ctx, version, offset ?? 0));
  }

  // `ik-thumbnail.jpg`: a JPEG, unless an `f-` asks for another format.
  const format = resolveOutputFormat(parsed.steps, "jpeg");
  const custom = parsed.steps.some((s) => s.focus === "custom") ? file.customCoordinates : "";
  const sourceTag = source.kind === "placeholder" ? `placeholder:${input}` : source.kind;
  const key = createHash("sha1")
    .update(
      [version.blob, "ik-thumbnail", sourceTag, parsed.canonical, format, custom ?? ""].join("\n"),
    )
    .digest("hex");
  const rendered = await renderCached(ctx, {
    key,
    format,
    input,
    steps: parsed.steps,
    options: { customCoordinates: file.customCoordinates },
  });
  return { ...rendered, source };
}

/** The `x-emulator-thumbnail` header: where the picture came from. */
export const describeSource = (source: ThumbnailSource): string =>
  source.kind === "placeholder" ? `placeholder; reason=${source.reason}` : source.kind;

/** Frame extractions in progress, by frame file. */
const extracting = new Map<string, Promise<ThumbnailSource>>();

/** Frames ffmpeg could not produce (blob + offset): not tried again on every request. */
const failed = new Set<string>();
const MAX_REMEMBERED_FAILURES = 1_000;

/** ffmpeg commands already reported missing: the emulator says so once. */
const reportedMissing = new Set<string>();

/** The video's frame at `offset` as a PNG in `<dataDir>/cache/frames/`, or the placeholder. */
async function videoFrame(
  ctx: EmulatorContext,
  version: VersionRecord,
  offset: number,
): Promise<{ input: string; source: ThumbnailSource }> {
  const dir = join(cacheDir(ctx), "frames");
  const frameKey = createHash("sha1").update(`${version.blob}\n${offset}`).digest("hex");
  const framePath = join(dir, `${frameKey}.png`);
  if (await exists(framePath)) return { input: framePath, source: { kind: "frame" } };

  let source: ThumbnailSource;
  if (!canExtractFrame(version.mime)) {
    source = { kind: "placeholder", reason: "unsupported-format" };
  } else if (failed.has(frameKey)) {
    source = { kind: "placeholder", reason: "undecodable" };
  } else {
    let job = extracting.get(framePath);
    if (!job) {
      job = extract(ctx, version, offset, dir, frameKey, framePath).finally(() =>
        extracting.delete(framePath),
      );
      extracting.set(framePath, job);
    }
    source = await job;
  }
  if (source.kind === "frame") return { input: framePath, source };
  return { input: await placeholder(dir, version), source };
}

async function extract(
  ctx: EmulatorContext,
  version: VersionRecord,
  offset: number,
  dir: string,
  frameKey: string,
  framePath: string,
): Promise<ThumbnailSource> {
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `${frameKey}.${randomBytes(6).toString("hex")}.tmp`);
  const ffmpeg = ffmpegCommand();
  const result = await extractVideoFrame(ctx.blobs.path(version.blob), version.mime, temp, {
    offsetSeconds: offset,
    ffmpeg,
  });
  if (result.ok) {
    await rename(temp, framePath);
    return { kind: "frame" };
  }
  await rm(temp, { force: true });
  if (result.reason === "missing") {
    // Not remembered as a failure: once ffmpeg is installed, the next request gets the frame.
    if (!reportedMissing.has(ffmpeg)) {
      reportedMissing.add(ffmpeg);
      console.warn(
        `upkit-emulator: ffmpeg could not be run (${result.detail}): video thumbnails are a ` +
          "placeholder picture. Install ffmpeg (Debian: apt-get install ffmpeg) or set " +
          "EMULATOR_FFMPEG_PATH.",
      );
    }
    return { kind: "placeholder", reason: "ffmpeg-missing" };
  }
  if (failed.size >= MAX_REMEMBERED_FAILURES) failed.clear();
  failed.add(frameKey);
  return { kind: "placeholder", reason: "undecodable" };
}

/** The placeholder picture at the video's size, written once per size. */
async function placeholder(dir: string, version: VersionRecord): Promise<string> {
  const { width, height } = placeholderSize(version.media);
  const path = join(dir, `placeholder-${width}x${height}.png`);
  if (await exists(path)) return path;
  await mkdir(dir, { recursive: true });
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writePlaceholderFrame(temp, { width, height });
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
  return path;
}
