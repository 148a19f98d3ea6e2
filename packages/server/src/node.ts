import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { UploadError } from "@upkit/core";
import { nodeBodyStream } from "./http/node-body-stream";
import { isSmallJsonBody, readSmallBody } from "./http/read-small-body";
import { errorResponse, jsonTextOf } from "./http/responses";

type Handler = (request: Request, context?: { clientAddress?: string }) => Promise<Response>;

/**
 * The node:http / Express adapter: `app.all("/api/upload/*", toNodeHandler(uploads))`. The
 * request body is streamed into the Web Request (a small JSON body is read first, see
 * `readSmallBody`), the response streamed back, and a client that disconnects aborts the
 * request's signal. The socket's address reaches the handler (the default rate-limit key). It
 * never rejects: a request it cannot make sense of is a 400, and a handler that throws a 500, so
 * one request cannot take the server down.
 */
export function toNodeHandler(handler: Handler) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Read now: once the client is gone, the socket no longer knows its peer.
    const clientAddress = req.socket.remoteAddress;
    let response: Response;
    try {
      const request = await toWebRequest(req, res);
      try {
        response = await handler(request, { clientAddress });
      } catch {
        response = errorResponse(new UploadError("internal-error", "Something went wrong."));
      }
    } catch {
      response = errorResponse(new UploadError("bad-request", "The request is malformed."));
    }
    // A body that breaks while being sent can only end the connection.
    await send(response, res).catch(() => res.destroy());
  };
}

async function toWebRequest(req: IncomingMessage, res: ServerResponse): Promise<Request> {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const url = requestUrl(req);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const body = !hasBody
    ? undefined
    : isSmallJsonBody(req)
      ? await readSmallBody(req)
      : nodeBodyStream(req);
  return new Request(url, {
    method: req.method,
    headers,
    signal: controller.signal,
    ...(body ? { body, duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * The path comes from the request line alone: a Host header carrying a path
 * (`host/other/route?`) cannot change the route, and one that is no host at all (`a b`) throws,
 * which answers 400.
 */
function requestUrl(req: IncomingMessage): URL {
  const protocol = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  const origin = new URL(`${protocol}://${req.headers.host ?? "localhost"}`).origin;
  return new URL(req.url ?? "/", origin);
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  if (!response.body) {
    res.end();
    return;
  }
  // The handler's own answers are small JSON: one write with its length, not a chunked stream;
  // the bytes it made the answer from, when it is still unread, instead of reading it back.
  if (response.headers.get("content-type")?.startsWith("application/json")) {
    const text = jsonTextOf(response);
    const body = text !== undefined ? Buffer.from(text) : Buffer.from(await response.arrayBuffer());
    res.setHeader("content-length", body.byteLength);
    res.end(body);
    return;
  }
  Readable.fromWeb(response.body as NodeReadableStream).pipe(res);
}
