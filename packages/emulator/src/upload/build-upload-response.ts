import type { EmulatorContext } from "../context";
import type { FileRecord, VersionRecord } from "../storage/file-repository";
import type { ResponseField } from "./parse-upload-fields";

/**
 * The documented upload response: the default fields always; `tags`, `customCoordinates`,
 * `isPrivateFile`, `isPublished`, `customMetadata`, `embeddedMetadata`, `metadata` and
 * `selectedFieldsSchema` only when asked for through `responseFields`; `extensionStatus` only when
 * extensions were requested; video fields for videos.
 */
export function buildUploadResponse(
  ctx: EmulatorContext,
  file: FileRecord,
  version: VersionRecord,
  responseFields: ResponseField[],
  extensionStatus: Partial<Record<string, string>> | undefined,
): Record<string, unknown> {
  const { media } = version;
  const url = `${ctx.options.urlEndpoint}${file.filePath}`;
  const body: Record<string, unknown> = {
    fileId: file.id,
    name: file.name,
    size: version.size,
    versionInfo: { id: version.id, name: `Version ${version.number}` },
    filePath: file.filePath,
    url,
    fileType: version.fileType,
  };
  if (media.height !== undefined) body.height = media.height;
  if (media.width !== undefined) body.width = media.width;
  if (media.orientation !== undefined) body.orientation = media.orientation;
  if (version.fileType === "image")
    body.thumbnailUrl = `${ctx.options.urlEndpoint}/tr:n-ik_ml_thumbnail${file.filePath}`;
  body.AITags = file.AITags;
  if (media.video) {
    const { bitRate, duration, audioCodec, videoCodec } = media.video;
    Object.assign(body, dropUndefined({ bitRate, duration, audioCodec, videoCodec }));
  }
  if (file.description !== null) body.description = file.description;
  if (extensionStatus) body.extensionStatus = extensionStatus;

  for (const field of responseFields) {
    switch (field) {
      case "tags":
        body.tags = file.tags;
        break;
      case "customCoordinates":
        body.customCoordinates = file.customCoordinates;
        break;
      case "isPrivateFile":
        body.isPrivateFile = file.isPrivateFile;
        break;
      case "isPublished":
        body.isPublished = file.isPublished;
        break;
      case "customMetadata":
        body.customMetadata = file.customMetadata;
        break;
      case "embeddedMetadata":
        body.embeddedMetadata = media.embeddedMetadata;
        break;
      case "metadata":
        body.metadata = media.metadata;
        break;
      case "selectedFieldsSchema":
        // "Schema definitions for the custom metadata fields selected for the specified file
        // path" (the SDK's `FileUploadResponse`): with no path policy, which the emulator does
        // not have, every live field applies to every path, whether the file has a value or not.
        body.selectedFieldsSchema = ctx.customMetadata.selectedFieldsSchema();
        break;
    }
  }
  return body;
}

const dropUndefined = (value: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
