import { UploadError } from "@upkit/core";
import { attemptGuard } from "./attempt-guard";
import type { ImageKitCall } from "./imagekit-call";
import { readImageKitAnswer } from "./read-imagekit-answer";
import type { Redactor } from "./redact-secrets";
import { tapErrors } from "./tap-errors";
import { watchConnection } from "./watch-connection";

/** What every attempt of a client needs; the Authorization value stays in here. */
export interface AttemptContext {
  authorization: string;
  redact: Redactor;
  /** Idle time allowed per attempt, ms. */
  timeoutMs: number;
  /** Default, at each attempt, the global `fetch`. */
  fetch: typeof fetch | undefined;
}

/**
 * One attempt at a call: ImageKit's answer (`readImageKitAnswer`), or an `UploadError` naming
 * what failed (an abort, a silent ImageKit, the caller's file, the network), the key redacted.
 */
export async function sendAttempt(
  call: ImageKitCall,
  signal: AbortSignal | undefined,
  context: AttemptContext,
): Promise<unknown> {
  const multipart = call.body?.();
  // The connection is reset before fetch is aborted: fetch closes it gracefully, and that close
  // queues behind the unsent body, which an ImageKit that stopped reading never takes.
  const connection = multipart && watchConnection(multipart.contentType);
  const guard = attemptGuard(signal, context.timeoutMs, () => connection?.reset());
  let sourceError: unknown;
  // Tells a failure to read the caller's file apart from a failure to reach ImageKit.
  const body =
    multipart &&
    tapErrors(
      multipart.stream,
      (error) => {
        sourceError = error;
      },
      guard.touch,
    );
  const init = requestInit(
    call,
    context.authorization,
    guard.signal,
    multipart && body && { stream: body.stream, contentType: multipart.contentType },
  );

  const fetchImpl = context.fetch ?? globalThis.fetch;
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(call.url, init);
    text = await response.text();
  } catch (error) {
    guard.done();
    connection?.release();
    // undici does not cancel a stream body it gave up on: release the caller's file here.
    body?.cancel(error);
    // Neither the error nor `init` may leave this function: both can hold the Authorization.
    if (signal?.aborted) throw abortedRequest();
    if (guard.timedOut())
      throw new UploadError("upstream-timeout", `ImageKit was silent for ${context.timeoutMs} ms`);
    if (sourceError !== undefined) throw sourceFailure(sourceError, context.redact);
    throw new UploadError(
      "upstream-error",
      `ImageKit could not be reached: ${context.redact.text(describe(error))}`,
      { cause: context.redact.cause(error) },
    );
  }
  guard.done();
  // Answered: the connection may serve other requests now, it is never reset after this.
  connection?.release();
  // An early answer (a 4xx before the whole file was sent) leaves the rest unread: release it.
  body?.cancel(undefined);
  return readImageKitAnswer(call.kind, response, text, context.redact);
}

export function abortedRequest(): UploadError {
  return new UploadError("aborted", "The request to ImageKit was aborted");
}

function requestInit(
  call: ImageKitCall,
  authorization: string,
  signal: AbortSignal,
  body: { stream: ReadableStream<Uint8Array>; contentType: string } | undefined,
): RequestInit {
  const headers: Record<string, string> = { authorization, accept: "application/json" };
  if (body) headers["content-type"] = body.contentType;
  if (call.json !== undefined) {
    // A small JSON body (the management API), sent whole: nothing to stream or to watch.
    headers["content-type"] = "application/json";
    return {
      method: call.method,
      headers,
      signal,
      redirect: "error",
      body: JSON.stringify(call.json),
    };
  }
  return {
    method: call.method,
    headers,
    signal,
    // undici follows redirects by keeping a copy of the whole body to send again: for a
    // 300 MB upload that is 300 MB of memory. ImageKit does not redirect API calls.
    redirect: "error",
    ...(body
      ? {
          body: body.stream,
          // Required by fetch for a stream body; TS's RequestInit does not know it yet.
          duplex: "half",
        }
      : {}),
  } as RequestInit;
}

/**
 * A failure to read the caller's file, never retried: a stream cannot be replayed (its call has
 * no retries), and a Blob that fails to read is an `upload-failed`, which is not retryable.
 */
function sourceFailure(sourceError: unknown, redact: Redactor): UploadError {
  // The caller's own verdict (the proxy errors its stream to make ImageKit drop the file).
  if (sourceError instanceof UploadError) return sourceError;
  return new UploadError(
    "upload-failed",
    `Reading the file failed: ${redact.text(describe(sourceError))}`,
    { cause: redact.cause(sourceError) },
  );
}

/** `message (code: cause message)`, the useful part of undici's "fetch failed". */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (!(cause instanceof Error)) return error.message;
  const code = (cause as { code?: unknown }).code;
  return `${error.message} (${typeof code === "string" ? `${code}: ` : ""}${cause.message})`;
}
