import {
  type FileDetails,
  isAccepted,
  type PublicRestrictions,
  UploadError,
  type UploadResult,
} from "@upkit/core";
import type { ImageKitClient } from "./imagekit/imagekit-client-types";
import { hasPreTransformation } from "./queued/bind-queueable";
import { inSignedFolder, isBoundFile, type UploadBinding } from "./signing/bind-upload";
import type { CompletionClaims } from "./signing/completion-token";

interface Args {
  client: ImageKitClient;
  restrictions: PublicRestrictions;
  claims: CompletionClaims & { issuedAt: number };
  fileId: string;
  signal: AbortSignal;
}

/** How far ImageKit's clock may run behind ours when a fixed-name file's time is compared. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Verifies a direct upload through ImageKit's file API before anything trusts it. First, that the
 * file is the one this upload's signature produced (see `bindUpload`): anything else is refused
 * untouched, whoever it belongs to. Then that it obeys what was signed: under v1 the browser
 * could have changed the options, and a file of ours that breaks them is deleted, so the
 * profile's options win either way. A fixed-name file is never deleted: its path alone does not
 * prove which upload wrote it.
 */
export async function verifyDirectUpload(args: Args): Promise<UploadResult> {
  const { client, claims, signal } = args;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(args.fileId))
    throw new UploadError("bad-request", "Invalid fileId.");
  let details: FileDetails;
  try {
    details = await client.getFileDetails(args.fileId, { signal });
  } catch (error) {
    if (error instanceof UploadError && error.code === "not-found") {
      throw new UploadError("not-found", "The uploaded file does not exist.");
    }
    throw error;
  }

  const stale = claims.binding.fixedName !== undefined && writtenBefore(details, claims.issuedAt);
  if (!isBoundFile(details, claims.binding) || stale) {
    // Says nothing of the file: it may be someone else's.
    throw new UploadError("forbidden", "This file is not the one this upload was signed for.");
  }
  const problem = findMismatch(details, claims.binding, claims.fields, args.restrictions);
  if (problem) {
    if (claims.binding.nameSuffix !== undefined) {
      await client.deleteFile(details.fileId, { signal }).catch(() => {});
    }
    throw new UploadError(
      "forbidden",
      `The uploaded file does not match what was signed: ${problem}.`,
    );
  }
  return toUploadResult(details);
}

/** A fixed-name file last written before this upload was signed is an older upload's. */
export function writtenBefore(details: FileDetails, signedAtSeconds: number): boolean {
  if (details.updatedAt === undefined) return false;
  return Date.parse(details.updatedAt) < signedAtSeconds * 1000 - CLOCK_SKEW_MS;
}

function findMismatch(
  details: FileDetails,
  binding: UploadBinding,
  fields: Record<string, string>,
  restrictions: PublicRestrictions,
): string | undefined {
  if (!inSignedFolder(details, binding)) return "it is not in the folder it was signed for";
  // A pre-transformation's output is what is stored: its size and type are the profile's
  // choice, not the upload's (whose own were checked before it was sent).
  const transformed = hasPreTransformation(fields);
  if (
    !transformed &&
    restrictions.maxFileSize !== undefined &&
    details.size > restrictions.maxFileSize
  )
    return "it is too large";
  if (
    !transformed &&
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
