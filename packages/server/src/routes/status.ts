import { UploadError } from "@upkit/core";
import { json } from "../http/responses";
import type { ProfileRun } from "./route-table";

/** `GET {profile}/status?fileId=`: the file's post-transformations, as the webhooks reported. */
export const statusRoute: ProfileRun = async (ctx, _profile, request) => {
  const fileId = new URL(request.url).searchParams.get("fileId");
  if (!fileId || !/^[A-Za-z0-9_-]{1,64}$/.test(fileId))
    throw new UploadError("bad-request", "Pass ?fileId=.");
  return json(await ctx.tracker.get(fileId));
};
