import type { EmulatorContext } from "../context";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import type { MediaInfo } from "../media/media-info";
import { parseTransformation, validateTransformation } from "../media/parse-transformation";
import { renderToFile } from "../media/render-image";
import type { FileRecord, VersionRecord } from "../storage/file-repository";
import type { PostTransformation, UploadParams } from "./parse-upload-fields";

/** What the thumbnail post-transformation renders when it has no `value` (emulator choice). */
const DEFAULT_THUMBNAIL = "w-150,h-150";

/**
 * Upload-time checks of `transformation`: only images and videos take one, each string must be
 * a valid transformation, and each post type must suit the detected file type (`gif-to-video` a
 * GIF, `abs` a video).
 */
export function checkTransformation(
  transformation: NonNullable<UploadParams["transformation"]>,
  media: MediaInfo,
): void {
  if (media.kind !== "image" && media.kind !== "video")
    throw new ImageKitError(400, MESSAGES.transformationNotMedia);
  const kind = media.kind;
  const valid = (value: string) => {
    try {
      validateTransformation(value, kind);
    } catch {
      throw new ImageKitError(400, MESSAGES.invalidTransformation);
    }
  };
  if (transformation.pre !== undefined) valid(transformation.pre);
  for (const step of transformation.post ?? []) {
    const compatible =
      step.type === "gif-to-video"
        ? media.mime === "image/gif"
        : step.type === "abs"
          ? kind === "video"
          : true;
    if (!compatible) throw new ImageKitError(400, MESSAGES.transformationIncompatible);
    if (step.value !== undefined) valid(step.value);
  }
}

/**
 * The `transformation.error.reason` of a failed pre- or post-transformation webhook: the one
 * ImageKit's examples show (its SDK lists `encoding_failed`, `download_failed`,
 * `internal_server_error` for video transformations).
 */
export const TRANSFORMATION_FAILED = "encoding_failed";

/**
 * Whether a video's pre-transformation fails once queued (the emulator encodes no video, so
 * this is its one deterministic failure): a start offset `so` at or past the video's duration,
 * as in the `so-70` of ImageKit's `upload.pre-transform.error` example.
 */
export function failsAsVideoPreTransformation(pre: string, media: MediaInfo): boolean {
  const duration = media.video?.duration;
  if (duration === undefined) return false;
  return pre
    .split(/[:,]/)
    .map((param) => /^so-(\d+(?:\.\d+)?)$/.exec(param.trim())?.[1])
    .some((offset) => offset !== undefined && Number(offset) >= duration);
}

/**
 * Where ImageKit says a post-transformation's output is (`data.url` of its webhooks): the file's
 * URL with `?tr=<value>` (the documented example); for videos, the documented URLs of the
 * output: `/ik-master.m3u8` or `/ik-master.mpd` (abs), `/ik-thumbnail.jpg`, and
 * `/ik-gif-video.mp4` for `gif-to-video`.
 */
export function postTransformationUrl(
  fileUrl: string,
  step: PostTransformation,
  kind: MediaInfo["kind"],
  value: string,
): string {
  const query = value === "" ? "" : `?tr=${value}`;
  switch (step.type) {
    case "abs":
      return `${fileUrl}/ik-master.${step.protocol === "hls" ? "m3u8" : "mpd"}${query}`;
    case "gif-to-video":
      return `${fileUrl}/ik-gif-video.mp4${query}`;
    case "thumbnail":
      return kind === "video" ? `${fileUrl}/ik-thumbnail.jpg${query}` : `${fileUrl}${query}`;
    default:
      return `${fileUrl}${query}`;
  }
}

/** An image pre-transformation, applied before the file is stored; returns the new temp file. */
export async function applyPreTransformation(
  ctx: EmulatorContext,
  tempPath: string,
  pre: string,
  customCoordinates: string | undefined,
): Promise<string> {
  const { steps } = parseTransformation(pre);
  const options = customCoordinates ? { customCoordinates } : {};
  return (await renderToFile(tempPath, steps, ctx.blobs, options)).tempPath;
}

/**
 * Post-transformations run after the response, as on ImageKit: `thumbnail` and `transformation`
 * on images render a real derived image the file server then serves (at `?tr=<value>`, or
 * `tr:<value>` in the path); video steps, `gif-to-video` and `abs` are reported done without
 * encoding (emulator choice). Each ends with its own `upload.post-transform.success` (or
 * `.error`) webhook, whose `request.x_request_id` is the upload's request id.
 */
export function schedulePostTransformations(
  ctx: EmulatorContext,
  file: FileRecord,
  version: VersionRecord,
  steps: PostTransformation[],
  requestId: string,
): void {
  for (const step of steps) {
    const isImage = version.media.kind === "image";
    const value = step.value ?? (step.type === "thumbnail" ? DEFAULT_THUMBNAIL : "");
    const renders = isImage && (step.type === "thumbnail" || step.type === "transformation");
    ctx.files.saveDerived({
      versionId: version.id,
      transformation: value,
      kind: step.type,
      status: "pending",
      blob: null,
      mime: null,
    });
    const request = { x_request_id: requestId, transformation: step };
    const url = postTransformationUrl(
      `${ctx.options.urlEndpoint}${file.filePath}`,
      step,
      version.media.kind,
      // A video's thumbnail without a value is ImageKit's default one: its URL has no `tr`.
      isImage ? value : (step.value ?? ""),
    );
    ctx.jobs.later(ctx.options.asyncDelayMs, async () => {
      try {
        let blob: string | null = null;
        let mime: string | null = null;
        if (renders) {
          const rendered = await renderToFile(
            ctx.blobs.path(version.blob),
            parseTransformation(value).steps,
            ctx.blobs,
          );
          blob = await ctx.blobs.commit(rendered.tempPath);
          mime = rendered.contentType;
        }
        // The file may have been deleted while the job waited; then the output is not kept.
        if (!ctx.files.version(version.id)) {
          if (blob) await ctx.blobs.remove(blob);
          return;
        }
        ctx.files.saveDerived({
          versionId: version.id,
          transformation: value,
          kind: step.type,
          status: "success",
          blob,
          mime,
        });
        ctx.webhooks.sendEvent(
          "upload.post-transform.success",
          { fileId: file.id, name: file.name, url },
          request,
        );
      } catch {
        ctx.files.saveDerived({
          versionId: version.id,
          transformation: value,
          kind: step.type,
          status: "failed",
          blob: null,
          mime: null,
        });
        ctx.webhooks.sendEvent(
          "upload.post-transform.error",
          {
            fileId: file.id,
            name: file.name,
            path: file.filePath,
            url,
            transformation: { error: { reason: TRANSFORMATION_FAILED } },
          },
          request,
        );
      }
    });
  }
}
