import { completeRequestSchema, UploadError } from "@upkit/core";
import { createCompletionRecord } from "../completion-record";
import { finishUpload } from "../handler/finish-upload";
import type { HandlerContext } from "../handler/handler-context";
import { readBody } from "../handler/read-body";
import type { ResolvedProfile } from "../handler/resolve-profiles";
import { json } from "../http/responses";
import { findQueuedFile } from "../queued/find-queued-file";
import { hashInput, readCompletionToken } from "../signing/completion-token";
import { validateInput } from "../validate-input";
import { verifyDirectUpload } from "../verify-direct-upload";
import type { ProfileRun } from "./route-table";

/**
 * `POST {profile}/complete`: verifies the file a direct upload stored, then runs
 * `onUploadComplete` once per completion token (a repeat gets the first answer). With
 * `queued: true` instead of a `fileId` (ImageKit answered 202), it first looks for the file the
 * upload will store, and answers 202 `QueuedState` until it is there.
 */
export const completeRoute: ProfileRun = async (ctx, profile, request, auth, count) => {
  const { body, claims } = await readCompletion(ctx, profile, request).catch(async (error) => {
    await count();
    throw error;
  });
  // A valid token's upload was counted when it was signed (or sent by proxy or tus): completing
  // it, or asking every few seconds about a queued one, is the same upload, not another.
  const input = await validateInput(profile.profile.input, body.input);
  const fileId = body.fileId ?? (await findQueuedFile(ctx, claims, request.signal));
  if (fileId === undefined) {
    return json({ state: "queued", completionToken: body.completionToken }, 202);
  }
  const record = createCompletionRecord(ctx.store, claims.binding.id, fileId, claims.expiresAt);
  const previous = await record.previous();
  if (previous) return json(previous);
  const file = await verifyDirectUpload({
    client: ctx.client,
    restrictions: profile.restrictions,
    claims,
    fileId,
    signal: request.signal,
  });
  const concurrent = await record.claim();
  if (concurrent) return json(concurrent);
  try {
    const answer = await finishUpload(ctx, {
      profile,
      auth,
      input,
      file,
      request,
      fields: claims.fields,
    });
    await record.done(answer);
    return json(answer);
  } catch (error) {
    await record.release();
    throw error;
  }
};

/** The request body and its completion token's claims, which must be this profile's and input's. */
async function readCompletion(ctx: HandlerContext, profile: ResolvedProfile, request: Request) {
  const body = await readBody(request, completeRequestSchema, "complete");
  const claims = await readCompletionToken(ctx.imagekit, body.completionToken, profile.name);
  if ((await hashInput(body.input)) !== claims.inputHash) {
    throw new UploadError(
      "bad-request",
      "The input differs from the one the upload was signed with.",
    );
  }
  return { body, claims };
}
