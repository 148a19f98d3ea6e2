import type { Upload } from "@tus/server";
import { UploadError } from "@upkit/core";
import type { TusCall } from "./tus-call";

/**
 * The stored upload, when it belongs to the caller under this profile. Another caller's upload
 * answers exactly as an unknown one (404), so that no one can learn which ids exist.
 */
export async function ownedUpload(
  call: Pick<TusCall, "tus" | "profile" | "owner">,
  id: string,
): Promise<Upload> {
  let upload: Upload;
  try {
    upload = await call.tus.datastore.getUpload(id);
  } catch (error) {
    if ((error as { status_code?: number })?.status_code === 404) throw unknownUpload();
    throw error;
  }
  const metadata = upload.metadata ?? {};
  if (metadata.profile !== call.profile.name || metadata.owner !== call.owner) {
    throw unknownUpload();
  }
  return upload;
}

export const unknownUpload = () => new UploadError("not-found", "Unknown upload.");
