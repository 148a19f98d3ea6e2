import { type PublicRestrictions, UploadError, type UploadResult } from "@upkit/core";
import type { ImageKitClient, QueuedUpload } from "../imagekit/imagekit-client-types";
import { openMultipartBody } from "./read-multipart-body";
import { uploadFilePart } from "./upload-file-part";
import { createUploadOutcome } from "./upload-outcome";

export interface ProxyUploadArgs {
  /** `multipart/form-data`: text fields first (e.g. `input` JSON, `size`), then ONE part named `file`. */
  request: Request;
  restrictions: PublicRestrictions;
  client: ImageKitClient;
  /**
   * Called once the file's first bytes passed the type check (the fields before it are known),
   * with the type read from those bytes and the name given that type's extension
   * (`storedNameFor`): validates and returns the ImageKit form fields (strings; includes
   * `fileName`, which gets the same correction). Throws an UploadError to refuse: then nothing is
   * sent upstream.
   */
  prepare(context: {
    fields: Record<string, string>;
    file: { name: string; type: string; size?: number };
  }): Promise<Record<string, string>>;
  /** Aborted when the client disconnects (`request.signal` is watched too). */
  signal?: AbortSignal;
}

/**
 * Streams one multipart upload to ImageKit (the `proxy` transport), never holding the file. The
 * stages, each failing in its own way into one outcome (the first failure stands and aborts the
 * upstream request):
 *
 * 1. The request body ({@link openMultipartBody}): counted against its Content-Length, parsed with
 *    capped fields and parts, fed to the parser with backpressure; a field after the file is
 *    refused. After a refusal the rest is read and dropped in the background, so that the
 *    adapter's 4xx can reach the client instead of a connection reset.
 * 2. The file part ({@link uploadFilePart}): its first bytes are sniffed and checked
 *    (`checkFileContent`) before any byte goes upstream; `prepare` runs with the real type
 *    and a name whose extension agrees with it.
 * 3. The file itself (`GuardedFile`): counted as it streams, so that past `maxFileSize` the
 *    upstream request is aborted at once ("file-too-large", without waiting for the rest of the
 *    body). The upstream body is closed only once the whole request body has been read and
 *    verified: bytes equal to `Content-Length`, a well-formed multipart end, the real size equal
 *    to the declared `size` field. Any disagreement errors the upstream body instead, so ImageKit
 *    never sees the closing boundary and stores nothing.
 * 4. The client ({@link watchClient}): a disconnect before the body was read aborts everything.
 */
export async function streamProxyUpload(
  args: ProxyUploadArgs,
): Promise<UploadResult | QueuedUpload> {
  const { request, restrictions, client, prepare } = args;
  const body = openMultipartBody(request);
  const outcome = createUploadOutcome<UploadResult | QueuedUpload>();

  // The client went away: nothing is drained, the upstream request is aborted.
  const unwatch = watchClient(request, args.signal, () => {
    const message = "The client closed the connection before the upload finished";
    outcome.fail(new UploadError("aborted", message, { data: body.progress() }));
    body.cancel();
  });
  const context = { restrictions, client, prepare, outcome };
  body
    .read(outcome, (file) => {
      // A failure that came first (a broken body, a disconnect) stands: it is the cause of
      // whatever the file part throws.
      uploadFilePart(file, context).then(outcome.resolve, outcome.fail);
    })
    .catch(outcome.fail)
    // Once the body is read, a disconnect no longer aborts: the file is whole and verified, so
    // the upload is left to finish (and the caller's completion to run) rather than orphaned
    // upstream.
    .finally(unwatch);
  return outcome.promise;
}

/**
 * Calls `onGone` once `request.signal` or `signal` aborts (at once if one already did); returns
 * what stops watching.
 */
function watchClient(
  request: Request,
  signal: AbortSignal | undefined,
  onGone: () => void,
): () => void {
  // `watched` keeps the Request reachable for as long as its signal is watched: undici's Request
  // is the only strong holder of the controller behind `request.signal` (the framework's signal
  // reaches it through a WeakRef), so a Request collected mid-upload would never report the
  // disconnect, and the upstream request would run on until ImageKit's answer or the timeout.
  const watched = {
    request,
    signals: [request.signal, signal].filter((s): s is AbortSignal => s !== undefined),
  };
  for (const watchedSignal of watched.signals) {
    if (watchedSignal.aborted) onGone();
    else watchedSignal.addEventListener("abort", onGone, { once: true });
  }
  return () => {
    for (const watchedSignal of watched.signals) {
      watchedSignal.removeEventListener("abort", onGone);
    }
  };
}
