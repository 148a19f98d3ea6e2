import type { Upload } from "@tus/server";
import { UploadError } from "@upkit/core";
import type { HandlerContext } from "../handler/handler-context";
import type { ResolvedProfile } from "../handler/resolve-profiles";
import { checkStoredType } from "./check-stored-type";
import { startForwarding } from "./forward-upload";
import type { UploadMetadata } from "./read-creation";
import type { ReadableDataStore } from "./tus-options";

/** A stored upload with all its bytes, and who asks to send it on. */
export interface FinishedUpload {
  upload: Upload;
  profile: ResolvedProfile;
  /** What `authorize` returned for the asking request (the upload's owner). */
  auth: unknown;
  request: Request;
}

/**
 * Checks a finished upload's bytes (type by content, size) and starts forwarding it to ImageKit
 * (false when a forward of it is already under way). Bytes that fail the check are removed and
 * the refusal thrown as an `UploadError`: nothing reaches ImageKit.
 */
export async function forwardFinishedUpload(
  ctx: HandlerContext,
  datastore: ReadableDataStore,
  { upload, profile, auth, request }: FinishedUpload,
): Promise<boolean> {
  const metadata = upload.metadata as unknown as UploadMetadata;
  const size = upload.size ?? upload.offset;
  let sniffed: Awaited<ReturnType<typeof checkStoredType>>;
  try {
    sniffed = await checkStoredType(datastore, upload.id, metadata, profile.restrictions, size);
  } catch (error) {
    await datastore.remove(upload.id).catch(ctx.onError);
    if (error instanceof UploadError) throw error;
    ctx.onError(error);
    throw new UploadError("internal-error", "The upload could not be checked.");
  }
  const job = { id: upload.id, size, metadata, sniffed, profile, auth, request };
  return startForwarding(ctx, datastore, job);
}
