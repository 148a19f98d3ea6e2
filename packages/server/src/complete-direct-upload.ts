import {
  type FileDetails,
  isAccepted,
  type PublicRestrictions,
  UploadError,
  type UploadResult,
} from "@upkit/core";
import type { ImageKitClient } from "./imagekit/imagekit-client-types";
import type { ImageKitConfig } from "./imagekit/imagekit-config";
import { hashInput, readCompletionToken } from "./signing/completion-token";

interface Args {
  client: ImageKitClient;
  imagekit: ImageKitConfig;
  restrictions: PublicRestrictions;
  profile: string;
  fileId: string;
  completionToken: string;
  input: unknown;
  signal: AbortSignal;
}

/**
 * Verifies a direct upload through ImageKit's file API before anything trusts it: the file
 * exists, sits in the folder the profile decided, and obeys the restrictions. Under v1 signing
 * the browser could have changed those options; a file that breaks them is deleted, so the
 * profile's options win either way.
 */
export async function completeDirectUpload(
  args: Args,
): Promise<{ file: UploadResult; fields: Record<string, string> }> {
  const claims = await readCompletionToken(args.imagekit, args.completionToken, args.profile);
  if ((await hashInput(args.input)) !== claims.inputHash) {
    throw new UploadError(
      "bad-request",
      "The input differs from the one the upload was signed with.",
    );
  }
  if (!/^[A-Za-z0-9_-]+$/.test(args.fileId))
    throw new UploadError("bad-request", "Invalid fileId.");
  let details: FileDetails;
  try {
    details = await args.client.getFileDetails(args.fileId, { signal: args.signal });
  } catch (error) {
    if (error instanceof UploadError && error.code === "not-found") {
      throw new UploadError("not-found", "The uploaded file does not exist.");
    }
    throw error;
  }

  const problem = findMismatch(details, claims.folder, claims.fields, args.restrictions);
  if (problem) {
    await args.client.deleteFile(details.fileId, { signal: args.signal }).catch(() => {});
    throw new UploadError(
      "forbidden",
      `The uploaded file does not match what was signed: ${problem}.`,
    );
  }
  return { file: toUploadResult(details), fields: claims.fields };
}

function findMismatch(
  details: FileDetails,
  folder: string,
  fields: Record<string, string>,
  restrictions: PublicRestrictions,
): string | undefined {
  const expectedFolder = folder.endsWith("/") ? folder : `${folder}/`;
  const actualFolder = details.filePath.slice(0, details.filePath.lastIndexOf("/") + 1);
  if (actualFolder !== expectedFolder) return `it is in ${actualFolder}, not ${expectedFolder}`;
  if (restrictions.maxFileSize !== undefined && details.size > restrictions.maxFileSize)
    return "it is too large";
  if (
    details.mime &&
    !isAccepted(restrictions.accept, { name: details.name, type: details.mime })
  ) {
    return `its type ${details.mime} is not accepted`;
  }
  if (
    fields.isPrivateFile !== undefined &&
    String(details.isPrivateFile ?? false) !== fields.isPrivateFile
  ) {
    return "its privacy differs";
  }
  if (fields.tags !== undefined && (details.tags ?? []).join(",") !== fields.tags)
    return "its tags differ";
  return undefined;
}

/** The file details as the upload result the browser expects. */
function toUploadResult(details: FileDetails): UploadResult {
  const strip = (url: string) => url.replace(/\?updatedAt=\d+$/, "");
  return {
    ...details,
    url: strip(details.url),
    ...(details.thumbnail ? { thumbnailUrl: details.thumbnail } : {}),
  } as UploadResult;
}
