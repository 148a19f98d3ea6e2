import { bindUpload, type UploadBinding } from "../signing/bind-upload";

/** True when the fields ask ImageKit for a pre-transformation (a video's is queued: a 202). */
export function hasPreTransformation(fields: Record<string, string>): boolean {
  if (!fields.transformation) return false;
  const { pre } = JSON.parse(fields.transformation) as { pre?: unknown };
  return typeof pre === "string" && pre !== "";
}

/**
 * The fields of a proxy or tus upload, with the file named by the kit (`bindUpload`) when
 * ImageKit may queue it: a queued upload's answer names no file, so the file is found later by
 * the name only this upload had. Other uploads keep their names as the profile chose them.
 */
export function bindIfQueueable(fields: Record<string, string>): {
  fields: Record<string, string>;
  binding?: UploadBinding;
} {
  return hasPreTransformation(fields) ? bindUpload(fields) : { fields };
}
