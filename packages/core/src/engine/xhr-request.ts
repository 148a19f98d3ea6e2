import { UploadError } from "../upload-error";

export interface XhrRequestOptions {
  url: string;
  body: FormData;
  signal?: AbortSignal;
  /** Bytes of the whole request body sent so far, and its total size when the browser knows it. */
  onProgress?: (loaded: number, total: number | undefined) => void;
  headers?: Record<string, string>;
}

export interface XhrResponse {
  status: number;
  /** The body parsed as JSON when it is JSON, else its text. */
  body: unknown;
  headers: {
    /** The wait the server asks for before a retry, in seconds (`X-RateLimit-Reset` or `Retry-After`). */
    retryAfter: number | undefined;
  };
}

/**
 * POSTs a multipart form with XMLHttpRequest, because `fetch` reports no upload progress. Every
 * status resolves (the caller decides what an error is); only a network failure rejects
 * (`network-error`), and an abort through `signal` (`aborted`).
 */
export function xhrRequest(options: XhrRequestOptions): Promise<XhrResponse> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal));
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const cleanUp = () => signal?.removeEventListener("abort", onAbort);

    xhr.open("POST", options.url);
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      xhr.setRequestHeader(name, value);
    }
    const { onProgress } = options;
    // Only when asked: an upload listener turns a cross-origin POST into a preflighted one.
    if (onProgress) {
      xhr.upload.addEventListener("progress", (event) => {
        onProgress(event.loaded, event.lengthComputable ? event.total : undefined);
      });
    }
    xhr.addEventListener("load", () => {
      cleanUp();
      resolve({
        status: xhr.status,
        body: parseBody(xhr.responseText, xhr.getResponseHeader("content-type")),
        headers: { retryAfter: retryAfterOf((name) => xhr.getResponseHeader(name)) },
      });
    });
    xhr.addEventListener("error", () => {
      cleanUp();
      reject(new UploadError("network-error", `Network error while sending to ${options.url}`));
    });
    xhr.addEventListener("abort", () => {
      cleanUp();
      reject(abortedError(signal));
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.send(options.body);
  });
}

function abortedError(signal: AbortSignal | undefined): UploadError {
  return new UploadError("aborted", "The upload was aborted", { cause: signal?.reason });
}

function parseBody(text: string, contentType: string | null): unknown {
  // Some servers send JSON errors as text/plain (or no type at all), so try JSON whenever it looks
  // like JSON rather than trusting the header alone.
  const looksJson = /^\s*[[{]/.test(text) || contentType?.includes("json");
  if (!looksJson) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The wait a response asks for, in seconds: ImageKit's `X-RateLimit-Reset` (ms to wait) first,
 * since it is more precise than `Retry-After` (whole seconds or an HTTP date).
 */
export function retryAfterOf(
  header: (name: string) => string | null,
  now: number = Date.now(),
): number | undefined {
  const reset = header("x-ratelimit-reset")?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Number(reset) / 1000;
  const retryAfter = header("retry-after")?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** Rebuilds the error of one of our route's answers, keeping the wait it asked for. */
export function routeError(status: number, body: unknown, retryAfter: number | undefined) {
  const error = UploadError.fromBody(body, status);
  if (retryAfter === undefined) return error;
  return new UploadError(error.code, error.message, { data: error.data, retryAfter });
}

/**
 * The JSON twin of `xhrRequest` for the route's small calls (config, sign, complete), on the
 * caller's `fetch`: resolves the parsed body of a 2xx, rejects with an `UploadError` otherwise
 * (lives here so both kinds of request share one error mapping).
 */
export async function fetchJson(
  fetchFn: typeof fetch,
  url: string,
  init: { method?: "GET" | "POST"; body?: unknown; signal?: AbortSignal } = {},
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: init.method ?? "GET",
      signal: init.signal,
      ...(init.body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(init.body) }),
    });
  } catch (cause) {
    if (init.signal?.aborted) throw abortedError(init.signal);
    throw new UploadError("network-error", `Network error while calling ${url}`, { cause });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    if (init.signal?.aborted) throw abortedError(init.signal);
    throw new UploadError("network-error", `Network error while reading ${url}`, { cause });
  }
  const body = parseBody(text, response.headers.get("content-type"));
  if (!response.ok) {
    throw routeError(
      response.status,
      body,
      retryAfterOf((name) => response.headers.get(name)),
    );
  }
  return body;
}

/**
 * The file's share of the body bytes sent: a multipart body also carries the fields and part
 * headers, so `loaded` is scaled to the file's size rather than used as is.
 */
export function fileBytesSent(loaded: number, total: number | undefined, fileSize: number): number {
  const bytes = total ? (loaded / total) * fileSize : loaded;
  return Math.max(0, Math.min(fileSize, Math.floor(bytes)));
}

/** The body if `guard` accepts it; else an "unexpected answer" error naming the URL. */
export function expectShape<T>(
  guard: (value: unknown) => value is T,
  body: unknown,
  url: string,
): T {
  if (!guard(body)) {
    throw new UploadError("bad-request", `Unexpected answer from ${url}`, { data: { body } });
  }
  return body;
}
