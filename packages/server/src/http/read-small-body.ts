import type { IncomingMessage } from "node:http";

/**
 * The largest JSON body the node adapter reads whole before the handler runs. The kit's JSON
 * routes accept 256 KiB (sign, complete) or more (webhook), so no route's own limit is below it:
 * a body this small is one the route would read whole anyway.
 */
export const SMALL_JSON_BODY = 64 * 1024;

/**
 * Whether a request's body is JSON small enough to read whole (`SMALL_JSON_BODY`, declared in
 * `content-length`). Any other body (no or a larger `content-length`, chunked, not JSON: proxy
 * and tus uploads) stays a stream.
 */
export function isSmallJsonBody(req: IncomingMessage): boolean {
  // The same test as the JSON routes' own (`readJsonBody`).
  const type = req.headers["content-type"];
  if (!type?.toLowerCase().includes("application/json")) return false;
  if (req.headers["transfer-encoding"] !== undefined) return false;
  const declared = req.headers["content-length"];
  return (
    declared !== undefined && /^\d{1,6}$/.test(declared) && Number(declared) <= SMALL_JSON_BODY
  );
}

/**
 * The whole of a small body, read with node's stream events into one buffer: a Web stream over
 * the request (`Readable.toWeb`) costs more than all the rest of a small request's handling.
 * node:http delivers exactly the declared length or an error. A body that breaks off (the client
 * went away) becomes a stream that fails as the streamed body would have, so the handler answers
 * it as before; so does a request a middleware already read (an empty body).
 */
export function readSmallBody(
  req: IncomingMessage,
): Promise<Uint8Array | ReadableStream<Uint8Array>> {
  if (req.readableEnded) return Promise.resolve(new Uint8Array(0));
  if (req.destroyed) return Promise.resolve(failedBody(new Error("The request body was cut off.")));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
    };
    const settle = (body: Uint8Array | ReadableStream<Uint8Array>) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      resolve(body);
    };
    const onEnd = () => settle(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    const onError = (error: Error) => settle(failedBody(error));
    const onClose = () => onError(new Error("The request body was cut off."));
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
    req.once("close", onClose);
    req.resume();
  });
}

function failedBody(error: Error): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.error(error);
    },
  });
}
