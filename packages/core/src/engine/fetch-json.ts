import { retryAfterOf } from "../retry/retry-after-of";
import { UploadError } from "../upload-error";

// Apart from xhr-request.ts so the engine's entry needs only this; the XHR transports load
// lazily, when the first file goes out.

export function abortedError(signal: AbortSignal | undefined): UploadError {
  return new UploadError("aborted", "The upload was aborted", { cause: signal?.reason });
}

export function parseBody(text: string, contentType: string | null): unknown {
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

/** Rebuilds the error of one of our route's answers, keeping the wait it asked for. */
export function routeError(status: number, body: unknown, retryAfter: number | undefined) {
  const error = UploadError.fromBody(body, status);
  if (retryAfter === undefined) return error;
  return new UploadError(error.code, error.message, { data: error.data, retryAfter });
}

/**
 * The JSON twin of `xhrRequest` for the route's small calls (config, sign, complete, status), on
 * the caller's `fetch`: resolves the parsed body of a 2xx, rejects with an `UploadError`
 * otherwise, with the same error mapping as `xhrRequest`.
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
