import { type PublicRestrictions, UploadError } from "@upkit/core";
import {
  checkFileContent,
  SNIFF_BYTES,
  type SniffedType,
  sniffFileType,
} from "../proxy/check-file-content";
import type { UploadMetadata } from "./read-creation";
import { readHead } from "./read-head";
import type { ReadableDataStore } from "./tus-options";

/**
 * Checks a stored upload's type by its first bytes, as the proxy does, and returns what they
 * are. `size` is the byte count to check the size limits with; 0 checks the type alone.
 */
export async function checkStoredType(
  datastore: ReadableDataStore,
  id: string,
  metadata: UploadMetadata,
  restrictions: PublicRestrictions,
  size = 0,
): Promise<SniffedType | undefined> {
  const sniffed = await sniffFileType(await readHead(datastore, id, SNIFF_BYTES));
  const file = { name: metadata.filename, declaredType: metadata.filetype, sniffed, size };
  const rejection = checkFileContent(
    size === 0 ? { accept: restrictions.accept } : restrictions,
    file,
  );
  if (rejection) {
    throw new UploadError(rejection.code, rejection.message, {
      data: sniffed ? { detectedType: sniffed.mime } : undefined,
    });
  }
  return sniffed;
}
