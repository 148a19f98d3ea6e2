import { UploadError } from "@upkit/core";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  const response = new Response(text, {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });
  jsonTexts.set(response, text);
  return response;
}

/**
 * The text each `json()` answer was made from. Reading a `Response`'s body back (a web stream,
 * its reader, its promises) costs an adapter more than making the answer did; one that writes
 * the bytes itself (the node adapter) takes them from here. Weak: gone with the answer.
 */
const jsonTexts = new WeakMap<Response, string>();

/** The body of an answer `json()` made, while it is still unread; undefined for any other. */
export function jsonTextOf(response: Response): string | undefined {
  return response.bodyUsed ? undefined : jsonTexts.get(response);
}

/** An `UploadError` as the wire protocol carries it: `{ error: { code, message, data } }`. */
export function errorResponse(error: UploadError): Response {
  const status = error.status;
  if (status === undefined) {
    // A client-only code has no status: here an `aborted`, a client that went away or a body
    // that broke off. Whoever still reads the answer (a proxy that cut the body) gets the 400
    // Node's own parser gives a broken body, as a `bad-request` the wire protocol knows.
    return errorResponse(new UploadError("bad-request", error.message, { data: error.data }));
  }
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers["retry-after"] = String(Math.ceil(error.retryAfter));
  return json(error.toJSON(), status, headers);
}
