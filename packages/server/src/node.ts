import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

/**
 * The node:http / Express adapter: `app.all("/api/upload/*", toNodeHandler(uploads))`. The
 * request body is streamed into the Web Request (never buffered), the response streamed back,
 * and a client that disconnects aborts the request's signal.
 */
export function toNodeHandler(
  handler: (request: Request, context?: { clientAddress?: string }) => Promise<Response>,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const host = req.headers.host ?? "localhost";
    const protocol = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(`${protocol}://${host}${req.url ?? "/"}`, {
      method: req.method,
      headers,
      signal: controller.signal,
      ...(hasBody
        ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" }
        : {}),
    } as RequestInit);
    const response = await handler(request, { clientAddress: req.socket.remoteAddress });
    res.statusCode = response.status;
    response.headers.forEach((value, name) => {
      res.setHeader(name, value);
    });
    if (!response.body) {
      res.end();
      return;
    }
    Readable.fromWeb(response.body as NodeReadableStream).pipe(res);
  };
}
