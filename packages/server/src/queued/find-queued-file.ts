import { UploadError } from "@upkit/core";
import type { HandlerContext } from "../handler/handler-context";
import { canonical, inSignedFolder, isBoundFile } from "../signing/bind-upload";
import type { CompletionClaims } from "../signing/completion-token";
import { writtenBefore } from "../verify-direct-upload";
import { readPreTransform } from "./pre-transform-outcome";

/**
 * How often the file API is asked about one queued upload: ImageKit rate-limits it, and a
 * video's pre-transformation takes seconds to minutes. Rarely when webhooks tell sooner.
 */
const LIST_INTERVAL_MS = { withWebhooks: 30_000, withoutWebhooks: 5_000 };
/** How far clocks may disagree: as `verifyDirectUpload` allows. */
const SKEW_MS = 60_000;

/**
 * The id of the file a queued upload (ImageKit's 202) stored, once it is stored; undefined
 * while it is not. What the `upload.pre-transform.*` webhook reported comes first (a failure
 * throws); failing that, ImageKit's file API is searched for the name only this upload had
 * (`bindIfQueueable`), so that uploads finish without webhooks too, and when one is lost.
 */
export async function findQueuedFile(
  ctx: HandlerContext,
  claims: CompletionClaims & { issuedAt: number },
  signal: AbortSignal,
): Promise<string | undefined> {
  const { binding } = claims;
  const name = binding.fixedName ?? claims.fields.fileName ?? "";
  const path = canonical(`${binding.folder}${name}`);
  const outcome = await readPreTransform(ctx.store, path);
  // Only a kit-named path is this upload's alone; a fixed one may hold an earlier upload's news.
  const reported =
    outcome && !(binding.fixedName !== undefined && outcome.at < claims.issuedAt * 1000 - SKEW_MS)
      ? outcome
      : undefined;
  if (reported && "failure" in reported) {
    throw new UploadError(
      "upload-failed",
      `ImageKit could not apply the pre-transformation (${reported.failure}): nothing was stored.`,
    );
  }
  if (reported) return reported.fileId;

  const interval = ctx.webhook ? LIST_INTERVAL_MS.withWebhooks : LIST_INTERVAL_MS.withoutWebhooks;
  const due = await ctx.store.setIfAbsent(`upkit:queued-listed:${binding.id}`, "1", interval);
  if (!due) return undefined;
  const listed = await ctx.client.listFiles({ searchQuery: nameQuery(name) }, { signal });
  const file = listed.find(
    (asset) =>
      "fileId" in asset &&
      isBoundFile(asset, binding) &&
      inSignedFolder(asset, binding) &&
      // A fixed name may hold an older upload's file until this one is stored over it.
      !(binding.fixedName !== undefined && writtenBefore(asset, claims.issuedAt)),
  );
  return file && "fileId" in file ? file.fileId : undefined;
}

/**
 * `name = "…"`, or both readings of the name when ImageKit may have replaced some of its
 * characters with `_` (see `canonical`). A name with a quote or a backslash is searched for in
 * its canonical form only, which has neither.
 */
function nameQuery(name: string): string {
  const replaced = canonical(name);
  if (replaced === name || /["\\]/.test(name)) return `name = "${replaced}"`;
  return `name IN ["${name}", "${replaced}"]`;
}
