import type { UploadError } from "@upkit/core";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

/** An `UploadError` as the wire protocol carries it: `{ error: { code, message, data } }`. */
export function errorResponse(error: UploadError): Response {
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers["retry-after"] = String(Math.ceil(error.retryAfter));
  // Statuses below 400 (client-only codes) never go out: they become a 500.
  return json(error.toJSON(), error.status >= 400 ? error.status : 500, headers);
}
