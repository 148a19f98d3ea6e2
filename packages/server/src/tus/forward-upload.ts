import { UploadError, type UploadResult, withRetries } from "@upkit/core";
import { decideFields } from "../handler/decide-fields";
import { finishUpload } from "../handler/finish-upload";
import type { HandlerContext } from "../handler/handler-context";
import type { ResolvedProfile } from "../handler/resolve-profiles";
import type { QueuedUpload } from "../imagekit/imagekit-client-types";
import type { SniffedType } from "../proxy/check-file-content";
import { storedNameFor, storedTypeFor } from "../proxy/stored-file";
import { bindIfQueueable } from "../queued/bind-queueable";
import { queuedAnswer } from "../queued/queued-answer";
import { countedStream } from "./counted-stream";
import { takeForwardingLease } from "./forwarding-lease";
import { type ForwardingRecord, writeForwardingRecord } from "./forwarding-record";
import type { UploadMetadata } from "./read-creation";
import { throttledProgress } from "./throttled-progress";
import type { ReadableDataStore } from "./tus-options";

/** One finished tus upload, on its way to ImageKit. */
export interface ForwardJob {
  id: string;
  size: number;
  metadata: UploadMetadata;
  sniffed: SniffedType | undefined;
  profile: ResolvedProfile;
  /** What `authorize` returned for the request that finished the upload (its owner). */
  auth: unknown;
  request: Request;
}

/** Transient ImageKit failures (network, 5xx, 429) retried from the stored bytes. */
const MAX_RETRIES = 4;

/**
 * Starts streaming a finished upload from the store to ImageKit, then `onUploadComplete`; the
 * outcome (or the error) is recorded for the result route, and the stored upload removed either
 * way. Resolves once the "forwarding" state is recorded (so the result route knows the upload
 * from the moment tus answers the last PATCH); the rest runs in the background and never rejects.
 * Resolves false, doing nothing, when another forward of the upload is under way.
 */
export async function startForwarding(
  ctx: HandlerContext,
  datastore: ReadableDataStore,
  job: ForwardJob,
): Promise<boolean> {
  const { id, size, metadata } = job;
  const lease = await takeForwardingLease(ctx.store, id, ctx.onError);
  if (!lease) return false;
  const record = (status: number, body: ForwardingRecord["body"]) =>
    writeForwardingRecord(ctx.store, id, {
      owner: metadata.owner,
      profile: metadata.profile,
      size,
      status,
      body,
    });
  await record(202, { state: "forwarding", bytesSent: 0, size });
  const forward = async () => {
    let outcome: { status: number; body: ForwardingRecord["body"] };
    try {
      const answer = await sendToImageKit(ctx, datastore, job, (bytesSent) =>
        record(202, { state: "forwarding", bytesSent, size }),
      );
      // Queued at ImageKit: the browser asks `complete` about it from now on.
      outcome = { status: "state" in answer ? 202 : 200, body: answer };
    } catch (error) {
      const failure = asUploadError(error, ctx.onError);
      outcome = { status: failure.status ?? 500, body: failure.toJSON() };
    }
    // Removed before the outcome is told: whoever reads it finds the store clean.
    await datastore.remove(id).catch(ctx.onError);
    await record(outcome.status, outcome.body).catch(ctx.onError);
    await lease.release().catch(ctx.onError);
  };
  void forward();
  return true;
}

async function sendToImageKit(
  ctx: HandlerContext,
  datastore: ReadableDataStore,
  job: ForwardJob,
  onProgress: (bytesSent: number) => Promise<void>,
) {
  const { profile, auth, metadata, sniffed, size, request } = job;
  const input = metadata.input === undefined ? undefined : JSON.parse(metadata.input);
  // As the proxy: the profile decides by what the bytes are, and the stored name agrees with them.
  const contentType = storedTypeFor(metadata.filename, metadata.filetype, sniffed);
  const storedName = (name: string) => storedNameFor(name, contentType, sniffed);
  const decided = await decideFields(profile, auth, input, {
    name: storedName(metadata.filename),
    size,
    type: contentType,
  });
  const fileName = storedName(decided.fileName ?? metadata.filename);
  const { fields, binding } = bindIfQueueable({ ...decided, fileName });
  const source = { fileName: fields.fileName ?? fileName, contentType };
  const progress = throttledProgress(onProgress);
  // A stream cannot be replayed: each attempt reads the stored file afresh.
  let answer: UploadResult | QueuedUpload;
  try {
    answer = await withRetries(
      async () => {
        progress.reset();
        const stored = await datastore.read(job.id);
        try {
          const body = countedStream(stored, progress.add);
          return await ctx.client.upload(fields, { ...source, body }, { acceptQueued: true });
        } finally {
          // An attempt that failed before reading the file to its end leaves it open otherwise.
          stored.destroy();
        }
      },
      { maxRetries: MAX_RETRIES },
    );
  } finally {
    await progress.close();
  }
  if ("queued" in answer) {
    const file = { name: metadata.filename, size, type: contentType };
    return queuedAnswer(ctx, { profile, input, fields, binding, file });
  }
  return finishUpload(ctx, { profile, auth, input, file: answer, request, fields });
}

function asUploadError(error: unknown, onError: (error: unknown) => void): UploadError {
  if (error instanceof UploadError) {
    if (error.code === "internal-error") onError(error);
    return error;
  }
  onError(error);
  return new UploadError("internal-error", "Something went wrong on the server.");
}
