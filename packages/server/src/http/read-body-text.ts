import { UploadError } from "@upkit/core";

/**
 * A small request body as text, read as a stream and never past `limit` bytes: a client that
 * sends more (or lies in `Content-Length`) is refused without the body being held in memory. A
 * body that breaks off (the client went away, a malformed chunk) is an `aborted`, not a 500.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) {
    drain(reader);
    throw tooLarge(limit);
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > limit) {
        drain(reader);
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof UploadError) throw error;
    throw new UploadError("aborted", "The request body was cut off.", { cause: error });
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Reads the rest of a refused body and drops it, in the background, so that the 4xx reaches the
 * client instead of a connection reset (as the proxy does); a client that goes away ends it.
 */
function drain(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  const next = (): Promise<void> => reader.read().then(({ done }) => (done ? undefined : next()));
  next().catch(() => {});
}

const tooLarge = (limit: number) =>
  new UploadError("bad-request", `The request body is larger than ${limit} bytes.`);
