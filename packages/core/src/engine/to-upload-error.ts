import { UploadError } from "../upload-error";

/** The error as the kit's own: anything else is an `internal-error` (a bug, not retried). */
export function toUploadError(error: unknown): UploadError {
  if (error instanceof UploadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UploadError("internal-error", message, { cause: error });
}
