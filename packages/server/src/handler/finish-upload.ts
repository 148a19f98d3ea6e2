import type { CompleteResponse, UploadResult } from "@upkit/core";
import { stepKey } from "../processing-tracker";
import type { HandlerContext } from "./handler-context";
import type { ResolvedProfile } from "./resolve-profiles";

/** A stored, verified upload, with what its profile decided for it. */
export interface FinishedUpload {
  profile: ResolvedProfile;
  /** What `authorize` returned: the profile's `ctx`. */
  auth: unknown;
  input: unknown;
  file: UploadResult;
  request: Request;
  /** The ImageKit fields the file was uploaded with. */
  fields: Record<string, string>;
}

/** Runs `onUploadComplete` and starts following the file's post-transformations. */
export async function finishUpload(
  ctx: HandlerContext,
  upload: FinishedUpload,
): Promise<CompleteResponse> {
  const { profile, auth, input, file, request } = upload;
  const data = profile.profile.onUploadComplete
    ? await profile.profile.onUploadComplete({ ctx: auth, input, file, request })
    : undefined;
  // Post-transformations finish later; their progress is known only through webhooks.
  const steps = postTransformationSteps(upload.fields);
  const processing =
    ctx.webhook && steps.length > 0 ? await ctx.tracker.track(file.fileId, steps) : undefined;
  return { file, data: data ?? null, ...(processing ? { processing } : {}) };
}

/** The post-transformations the decided fields ask for, as `type:value` keys. */
function postTransformationSteps(fields: Record<string, string>): string[] {
  if (!fields.transformation) return [];
  const { post } = JSON.parse(fields.transformation) as {
    post?: { type: string; value?: string }[];
  };
  return (post ?? []).map(stepKey);
}
