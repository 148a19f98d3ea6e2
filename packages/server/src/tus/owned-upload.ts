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
  if (!ownedBy(call, upload.metadata)) throw unknownUpload();
  return upload;
}

/** A store that may know an upload's metadata without reading it (`CachingFileStore`). */
interface KnowingStore {
  knownMetadata?(id: string): Upload["metadata"] | undefined;
}

/**
 * {@link ownedUpload} for a PATCH, from the metadata the store already knows when it does (no
 * disk access). tus reads the upload again under the PATCH's lock, so an upload that is gone
 * meanwhile is still refused there (tus's 404, or 410 once expired), to its owner only.
 */
export async function checkOwner(
  call: Pick<TusCall, "tus" | "profile" | "owner">,
  id: string,
): Promise<void> {
  const known = (call.tus.datastore as KnowingStore).knownMetadata?.(id);
  if (!known) await ownedUpload(call, id);
  else if (!ownedBy(call, known)) throw unknownUpload();
}

function ownedBy(call: Pick<TusCall, "profile" | "owner">, metadata: Upload["metadata"]) {
  return metadata?.profile === call.profile.name && metadata?.owner === call.owner;
}

export const unknownUpload = () => new UploadError("not-found", "Unknown upload.");
