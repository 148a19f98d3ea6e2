import type { EmulatorContext } from "../context";
import type { FileRecord, VersionRecord } from "../storage/file-repository";

/**
 * The File object of the management API (`GET /v1/files/:id/details`, list, `file.*` webhooks).
 * Unlike the upload response, `url` and `thumbnail` carry `?updatedAt=<ms>`.
 */
export function toFileObject(
  ctx: EmulatorContext,
  file: FileRecord,
  version: VersionRecord,
): Record<string, unknown> {
  const { media } = version;
  const updatedAt = Date.parse(file.updatedAt);
  const url = `${ctx.options.urlEndpoint}${file.filePath}`;
  const body: Record<string, unknown> = {
    type: "file",
    fileId: file.id,
    name: file.name,
    filePath: file.filePath,
    tags: file.tags,
    AITags: file.AITags,
    versionInfo: { id: version.id, name: `Version ${version.number}` },
    isPrivateFile: file.isPrivateFile,
    isPublished: file.isPublished,
    customCoordinates: file.customCoordinates,
    url: `${url}?updatedAt=${updatedAt}`,
    thumbnail:
      version.fileType === "image" ? `${url}?updatedAt=${updatedAt}&tr=n-ik_ml_thumbnail` : "",
    fileType: version.fileType,
    mime: version.mime,
    size: version.size,
    hasAlpha: media.hasAlpha ?? false,
    customMetadata: file.customMetadata,
    embeddedMetadata: media.embeddedMetadata,
    createdAt: file.createdAt,
    updatedAt: file.updatedAt,
  };
  if (media.width !== undefined) body.width = media.width;
  if (media.height !== undefined) body.height = media.height;
  if (file.description !== null) body.description = file.description;
  if (media.video) Object.assign(body, media.video);
  return body;
}
