import { retryAfterOf, UploadError, type UploadErrorCode } from "@upkit/core";
import type { z } from "zod";
import type { CallKind } from "./imagekit-call";
import type { QueuedUpload } from "./imagekit-client-types";
import type { Redactor } from "./redact-secrets";

/**
 * ImageKit's answer as the caller gets it: the parsed body of a 2xx, secrets redacted; anything
 * else throws an `UploadError` with ImageKit's message, and with the wait a 429 asked for as its
 * `retryAfter`.
 */
export function readImageKitAnswer(
  kind: CallKind,
  response: Response,
  text: string,
  redact: Redactor,
): unknown {
  const parsed = redact.json(parseJson(text));
  if (response.status === 202 && kind === "upload") {
    // A video with a `pre` transformation: accepted, stored once the transformation ran (the
    // `upload.pre-transform.*` webhook tells), and this answer has no file to return.
    const requestId =
      response.headers.get("x-request-id") ?? response.headers.get("x-ik-requestid") ?? undefined;
    return new QueuedAnswer({
      queued: true,
      message: redact.text(messageOf(parsed) ?? "The upload is queued."),
      ...(requestId ? { requestId } : {}),
    });
  }
  if (response.ok) return parsed;
  throw toUploadError(kind, response, parsed, redact.text);
}

/** An upload's 202, told apart from any JSON body a 2xx could have. */
export class QueuedAnswer {
  constructor(readonly upload: QueuedUpload) {}
}

/** The value if it has the schema's shape; else an `upstream-error` listing what did not fit. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
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
  kind: CallKind,
  response: Response,
  body: unknown,
  redact: (text: string) => string,
): UploadError {
  const { status } = response;
  const message = redact(messageOf(body) ?? `ImageKit answered with status ${status}`);
  const data = { status, imagekit: body };
  if (status === 429) {
    const retryAfter = retryAfterOf((name) => response.headers.get(name));
    return new UploadError("rate-limited", message, {
      data,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
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
