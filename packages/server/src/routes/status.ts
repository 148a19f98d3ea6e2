import { UploadError } from "@upkit/core";
import type { RequestContext } from "../create-upload-handler";
import { authorize } from "../handler/authorize";
import type { HandlerContext } from "../handler/handler-context";
import type { ResolvedProfile } from "../handler/resolve-profiles";
import { json } from "../http/responses";

/** `GET {profile}/status?fileId=`: the file's post-transformations, as the webhooks reported. */
export async function statusRoute(
  ctx: HandlerContext,
  profile: ResolvedProfile,
  request: Request,
  requestContext: RequestContext,
): Promise<Response> {
  await authorize(ctx, profile, request, requestContext);
  const fileId = new URL(request.url).searchParams.get("fileId");
  if (!fileId || !/^[A-Za-z0-9_-]{1,64}$/.test(fileId))
    throw new UploadError("bad-request", "Pass ?fileId=.");
  return json(ctx.tracker.get(fileId));
}
