import {
  fileDetailsSchema,
  UploadError,
  type UploadErrorCode,
  uploadResultSchema,
} from "@upkit/core";
import { z } from "zod";
import type { ImageKitClient, ListFilesQuery, UploadSource } from "./imagekit-client-types";
import type { ImageKitConfig } from "./imagekit-config";
import { createMultipartStream } from "./multipart-stream";
import { createRedactor } from "./redact-secrets";
import { advisedDelayMs, withRetries } from "./with-retries";

export interface ImageKitClientOptions {
  /** Retries after the first attempt, for network errors, 5xx and 429. Default 3. */
  maxRetries?: number;
  /** Idle time allowed per attempt, ms: the longest silence while the body goes out or the answer comes back. Default 60 000. */
  timeoutMs?: number;
  /** Default the global `fetch`. */
  fetch?: typeof fetch;
  /** The first backoff waits up to this long, ms. Default 500. */
  baseDelayMs?: number;
  /** Cap on any wait between attempts, server-advised ones included, ms. Default 10 000. */
  maxDelayMs?: number;
}

type Kind = "upload" | "api";

interface Call {
  kind: Kind;
  method: "GET" | "POST" | "DELETE";
  url: string;
  /** Builds a fresh body per attempt; absent for GET / DELETE. */
  body?: () => { stream: ReadableStream<Uint8Array>; contentType: string };
  /** A stream body cannot be replayed, so its call is never retried. */
  replayable: boolean;
}

const fileListSchema = z.array(fileDetailsSchema);

/** What an attempt's failure allows: the server-advised wait (ms) of a 429, when it gave one. */
const advisedWaits = new WeakMap<UploadError, number>();
/** Failures that come from reading the caller's file, not from ImageKit: never retried. */
const sourceFailures = new WeakSet<UploadError>();

const RETRYABLE: UploadErrorCode[] = ["upstream-error", "upstream-timeout", "rate-limited"];

/**
 * The ImageKit client of the server: the private key goes into one Authorization value kept in
 * this closure, and nothing it throws or returns carries it (the client object itself has only
 * methods, so even `JSON.stringify(client)` is `{}`).
 */
export function createImageKitClient(
  config: ImageKitConfig,
  options: ImageKitClientOptions = {},
): ImageKitClient {
  const maxRetries = options.maxRetries ?? 3;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const credentials = base64(`${config.privateKey}:`);
  const authorization = `Basic ${credentials}`;
  const redact = createRedactor([config.privateKey, credentials, authorization]);

  async function attempt(call: Call, signal: AbortSignal | undefined): Promise<unknown> {
    const multipart = call.body?.();
    // The connection is reset before fetch is aborted: fetch closes it gracefully, and that close
    // queues behind the unsent body, which an ImageKit that stopped reading never takes.
    const connection = multipart && watchConnection(multipart.contentType);
    const guard = attemptGuard(signal, timeoutMs, () => connection?.reset());
    const touch = guard.touch;
    let sourceError: unknown;
    // Tells a failure to read the caller's file apart from a failure to reach ImageKit.
    const body =
      multipart &&
      tapErrors(
        multipart.stream,
        (error) => {
          sourceError = error;
        },
        touch,
      );
    const headers: Record<string, string> = { authorization, accept: "application/json" };
    if (multipart) headers["content-type"] = multipart.contentType;
    const init = {
      method: call.method,
      headers,
      signal: guard.signal,
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
    const fetchImpl = options.fetch ?? globalThis.fetch;
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
      if (signal?.aborted) throw abortedError();
      if (guard.timedOut())
        throw new UploadError("upstream-timeout", `ImageKit was silent for ${timeoutMs} ms`);
      if (sourceError !== undefined) {
        // The caller's own verdict (the proxy errors its stream to make ImageKit drop the file).
        if (sourceError instanceof UploadError) {
          sourceFailures.add(sourceError);
          throw sourceError;
        }
        const failure = new UploadError(
          "upload-failed",
          `Reading the file failed: ${redact.text(describe(sourceError))}`,
          { cause: redact.cause(sourceError) },
        );
        sourceFailures.add(failure);
        throw failure;
      }
      throw new UploadError(
        "upstream-error",
        `ImageKit could not be reached: ${redact.text(describe(error))}`,
        { cause: redact.cause(error) },
      );
    }
    guard.done();
    // Answered: the connection may serve other requests now, it is never reset after this.
    connection?.release();
    // An early answer (a 4xx before the whole file was sent) leaves the rest unread: release it.
    body?.cancel(undefined);
    const parsed = redact.json(parseJson(text));
    if (response.status === 202 && call.kind === "upload") {
      // A video with a `pre` transformation: stored, but its result comes later by webhook
      // (upload.pre-transform.*), and this answer has no file to return. Not retryable: a
      // retry would store the video again.
      throw new UploadError("upload-failed", redact.text(messageOf(parsed) ?? "Queued (202)"), {
        data: { status: 202, imagekit: parsed },
      });
    }
    if (response.ok) return parsed;
    throw toUploadError(call.kind, response, parsed, redact.text);
  }

  async function send(call: Call, signal: AbortSignal | undefined): Promise<unknown> {
    if (signal?.aborted) throw abortedError();
    try {
      return await withRetries(() => attempt(call, signal), {
        maxRetries: call.replayable ? maxRetries : 0,
        baseDelayMs,
        maxDelayMs,
        signal,
        retryable: (error) => {
          if (!(error instanceof UploadError) || sourceFailures.has(error)) return false;
          if (!RETRYABLE.includes(error.code)) return false;
          return advisedWaits.get(error) ?? true;
        },
      });
    } catch (error) {
      // An abort during a backoff wait rejects with the signal's own reason.
      if (signal?.aborted) throw abortedError();
      throw error;
    }
  }

  return {
    async upload(fields, file, requestOptions = {}) {
      if (!(file.body instanceof Blob) && file.body.locked)
        throw new UploadError("internal-error", "The file stream is already being read");
      const result = await send(
        {
          kind: "upload",
          method: "POST",
          url: `${config.uploadEndpoint}/api/v1/files/upload`,
          body: () => createMultipartStream(fields, toPart(file)),
          replayable: file.body instanceof Blob,
        },
        requestOptions.signal,
      ).catch(async (error: unknown) => {
        // Release the caller's stream (e.g. the browser's request body) whatever went wrong.
        if (!(file.body instanceof Blob) && !file.body.locked)
          await file.body.cancel(error).catch(() => undefined);
        throw error;
      });
      return parseWith(uploadResultSchema, result);
    },

    async getFileDetails(fileId, requestOptions = {}) {
      const url = `${config.apiEndpoint}/v1/files/${encodeId(fileId)}/details`;
      const result = await send(get(url), requestOptions.signal);
      return parseWith(fileDetailsSchema, result);
    },

    async listFiles(query = {}, requestOptions = {}) {
      const url = `${config.apiEndpoint}/v1/files?${toSearchParams(query)}`;
      const result = await send(get(url), requestOptions.signal);
      return parseWith(fileListSchema, result);
    },

    async deleteFile(fileId, requestOptions = {}) {
      const url = `${config.apiEndpoint}/v1/files/${encodeId(fileId)}`;
      await send({ kind: "api", method: "DELETE", url, replayable: true }, requestOptions.signal);
    },
  } satisfies ImageKitClient;
}

const get = (url: string): Call => ({ kind: "api", method: "GET", url, replayable: true });

function toPart(file: UploadSource) {
  return {
    name: "file",
    fileName: file.fileName,
    body: file.body,
    ...(file.contentType === undefined ? {} : { contentType: file.contentType }),
  };
}

function encodeId(fileId: string): string {
  if (fileId === "") throw new UploadError("bad-request", "fileId is empty");
  return encodeURIComponent(fileId);
}

function toSearchParams(query: ListFilesQuery): URLSearchParams {
  // `type=file`: ImageKit's list API can also return folders, which are no FileDetails.
  const params = new URLSearchParams({ type: "file" });
  if (query.path !== undefined) params.set("path", query.path);
  if (query.tags !== undefined && query.tags.length > 0) params.set("tags", query.tags.join(","));
  if (query.fileType !== undefined) params.set("fileType", query.fileType);
  if (query.sort !== undefined) params.set("sort", query.sort);
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.skip !== undefined) params.set("skip", String(query.skip));
  return params;
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UploadError("upstream-error", "ImageKit's response did not have the expected shape", {
    data: { issues: parsed.error.issues.map(({ path, message }) => ({ path, message })) },
  });
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // A proxy's HTML error page, say: keep a little of it for the error's data.
    return text.slice(0, 500);
  }
}

const STATUS_CODES: Record<number, UploadErrorCode> = {
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  409: "conflict",
};

function toUploadError(
  kind: Kind,
  response: Response,
  body: unknown,
  redact: (text: string) => string,
): UploadError {
  const { status } = response;
  const message = redact(messageOf(body) ?? `ImageKit answered with status ${status}`);
  const data = { status, imagekit: body };
  if (status === 429) {
    const waitMs = advisedDelayMs(response.headers);
    const error = new UploadError("rate-limited", message, {
      data,
      ...(waitMs === undefined ? {} : { retryAfter: Math.ceil(waitMs / 1000) }),
    });
    if (waitMs !== undefined) advisedWaits.set(error, waitMs);
    return error;
  }
  if (status >= 500) return new UploadError("upstream-error", message, { data });
  if (status >= 400)
    return new UploadError(
      kind === "upload" ? "upload-failed" : (STATUS_CODES[status] ?? "bad-request"),
      message,
      { data },
    );
  // A 1xx or 3xx that reached us: nothing ImageKit documents.
  return new UploadError("upstream-error", message, { data });
}

/** ImageKit's `message` field, what its errors say to the user. */
function messageOf(body: unknown): string | undefined {
  return typeof body === "object" && body !== null && "message" in body
    ? String((body as { message: unknown }).message)
    : undefined;
}

function abortedError(): UploadError {
  return new UploadError("aborted", "The request to ImageKit was aborted");
}

/** `message (code: cause message)`, the useful part of undici's "fetch failed". */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (!(cause instanceof Error)) return error.message;
  const code = (cause as { code?: unknown }).code;
  return `${error.message} (${typeof code === "string" ? `${code}: ` : ""}${cause.message})`;
}

/**
 * The signal of one attempt: aborted when the caller's `signal` is, or after `timeoutMs` without
 * progress. An idle timeout, not a total one: each `touch` (a chunk of the body going out)
 * restarts it, so a 300 MB proxy upload from a slow browser is not cut off, while a stalled
 * ImageKit still is. `beforeAbort` runs first, while fetch still holds the connection.
 */
function attemptGuard(
  signal: AbortSignal | undefined,
  timeoutMs: number,
  beforeAbort: () => void,
): { signal: AbortSignal; touch(): void; timedOut(): boolean; done(): void } {
  const controller = new AbortController();
  let timedOut = false;
  const abort = () => {
    beforeAbort();
    controller.abort();
  };
  const expire = () => {
    timedOut = true;
    abort();
  };
  let timer = setTimeout(expire, timeoutMs);
  if (signal?.aborted) abort();
  else signal?.addEventListener("abort", abort, { once: true });
  return {
    signal: controller.signal,
    touch() {
      clearTimeout(timer);
      timer = setTimeout(expire, timeoutMs);
    },
    timedOut: () => timedOut,
    done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    },
  };
}

/** What undici publishes on `undici:client:sendHeaders` (Node's fetch is undici). */
interface SendHeadersMessage {
  headers?: unknown;
  socket?: { destroyed?: boolean; resetAndDestroy?: () => unknown };
}

const SEND_HEADERS = "undici:client:sendHeaders";

/**
 * The connection fetch sends a request on, found through undici's documented diagnostics channel
 * by a header value unique to the request (the multipart boundary), so it can be reset (RST)
 * rather than closed: a graceful close waits behind the unsent body in the socket's buffers,
 * where a peer that stopped reading never sees it, and that peer would hold the connection (and
 * the partial upload) until its own timeout. A reset reaches it at once.
 *
 * Does nothing where there is no such channel (another fetch, another runtime), and for TLS
 * sockets, which Node cannot reset (nodejs/node#49484): fetch's own close is all there is then.
 * `release` once the answer is in: the connection goes back to the pool and is never reset.
 */
function watchConnection(marker: string): { reset(): void; release(): void } {
  const channels = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.("node:diagnostics_channel") as
    | typeof import("node:diagnostics_channel")
    | undefined;
  let socket: SendHeadersMessage["socket"];
  const onSend = (message: unknown) => {
    const sent = message as SendHeadersMessage;
    if (!String(sent.headers).includes(marker)) return;
    socket = sent.socket;
    channels?.unsubscribe(SEND_HEADERS, onSend);
  };
  channels?.subscribe(SEND_HEADERS, onSend);
  const release = () => {
    channels?.unsubscribe(SEND_HEADERS, onSend);
    socket = undefined;
  };
  return {
    release,
    reset() {
      const target = socket;
      release();
      if (!target || target.destroyed) return;
      try {
        target.resetAndDestroy?.();
      } catch {
        // A TLS socket (ERR_INVALID_HANDLE_TYPE): fetch closes it as it can.
      }
    },
  };
}

/**
 * A pass-through stream that reports the source's errors before fetch wraps them, and can cancel
 * the source even while fetch holds the pass-through's reader.
 */
function tapErrors(
  source: ReadableStream<Uint8Array>,
  onError: (error: unknown) => void,
  onChunk: () => void,
): { stream: ReadableStream<Uint8Array>; cancel(reason: unknown): void } {
  const reader = source.getReader();
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          onError(error);
          throw error;
        }
        onChunk();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return { stream, cancel: (reason) => void reader.cancel(reason).catch(() => undefined) };
}

function base64(text: string): string {
  // btoa takes Latin-1 only; going through UTF-8 bytes works for any key and on every runtime.
  return btoa(
    Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join(""),
  );
}
