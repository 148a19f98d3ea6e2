import type { EmulatorContext } from "../context";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import { newId } from "../ids";
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
 * on images render a real derived image the file server then serves (at `tr:<value>`); video
 * steps, `gif-to-video` and `abs` are reported done without encoding (emulator choice). Each
 * ends with an `upload.post-transform.success` (or `.error`) webhook.
 */
export function schedulePostTransformations(
  ctx: EmulatorContext,
  file: FileRecord,
  version: VersionRecord,
  steps: PostTransformation[],
): void {
  for (const step of steps) {
    const value = step.value ?? (step.type === "thumbnail" ? DEFAULT_THUMBNAIL : "");
    const renders =
      version.media.kind === "image" &&
      (step.type === "thumbnail" || step.type === "transformation");
    ctx.files.saveDerived({
      versionId: version.id,
      transformation: value,
      kind: step.type,
      status: "pending",
      blob: null,
      mime: null,
    });
    const request = { x_request_id: newId(), transformation: step };
    const url = `${ctx.options.urlEndpoint}/tr:${value}${file.filePath}`;
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
      } catch (error) {
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
            transformation: {
              error: { reason: error instanceof Error ? error.message : "failed" },
            },
          },
          request,
        );
      }
    });
  }
}
