import type { QueuedState } from "@upkit/core";
import type { HandlerContext } from "../handler/handler-context";
import type { ResolvedProfile } from "../handler/resolve-profiles";
import type { UploadBinding } from "../signing/bind-upload";
import { createCompletionToken, hashInput } from "../signing/completion-token";

export interface QueuedProxyUpload {
  profile: ResolvedProfile;
  input: unknown;
  /** The fields the upload was sent with, and the binding that named its file. */
  fields: Record<string, string>;
  binding: UploadBinding | undefined;
  file: { name: string; size: number; type: string };
}

/**
 * What the proxy and tus routes answer (with 202) when ImageKit queued the upload they sent: a
 * completion token, as a direct upload's signature gives, so that the browser asks `complete`
 * about it like a direct upload that ImageKit queued.
 */
export async function queuedAnswer(
  ctx: HandlerContext,
  upload: QueuedProxyUpload,
): Promise<QueuedState> {
  if (!upload.binding) {
    // Only a pre-transformation queues an upload, and every such upload is bound.
    throw new Error("ImageKit queued an upload whose file the kit did not name");
  }
  const completionToken = await createCompletionToken(
    ctx.imagekit,
    {
      profile: upload.profile.name,
      binding: upload.binding,
      fields: upload.fields,
      inputHash: await hashInput(upload.input),
      file: upload.file,
    },
    ctx.expiresIn,
  );
  return { state: "queued", completionToken };
}
