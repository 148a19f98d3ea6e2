export interface MultipartFilePart {
  /** The form field that carries the file (`file` for ImageKit). */
  name: string;
  /** The part's `filename`. */
  fileName: string;
  /** The part's Content-Type; default `application/octet-stream`. */
  contentType?: string;
  /** A Blob is read through `Blob.stream()`; a stream is read once, as it comes. */
  body: Blob | ReadableStream<Uint8Array>;
}

export interface MultipartStream {
  /** The encoded body; pull-based, so the file is read only as fast as the upload goes. */
  stream: ReadableStream<Uint8Array>;
  /** `multipart/form-data; boundary=...`, for the request's Content-Type header. */
  contentType: string;
  boundary: string;
}

const encoder = new TextEncoder();
const ESCAPES: Record<string, string> = { "\r": "%0D", "\n": "%0A", '"': "%22" };

/**
 * Escapes a field name or filename for a quoted `Content-Disposition` parameter the way browsers
 * do (RFC 7578 §2 defers to the WHATWG form encoding): `"` → `%22`, CR → `%0D`, LF → `%0A`.
 * Without it a filename such as `a".png` or one with a line break would end the header early
 * and let a caller inject parts.
 */
export function escapeQuoted(value: string): string {
  return value.replace(/[\r\n"]/g, (char) => ESCAPES[char] ?? char);
}

/** 128 random bits: no file can contain it by accident, and its bytes are never scanned. */
function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `----upkit${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * A `multipart/form-data` body as a stream: each text field, then the file part's header, then
 * the file's own bytes as they are read, then the closing boundary. The file is never buffered,
 * so a 300 MB upload passing through the server costs a few chunks of memory; `FormData` cannot
 * do this with a stream (it wants a Blob, i.e. the whole file).
 *
 * Cancelling the stream cancels the file's stream, so the source is released when an upload is
 * abandoned.
 */
export function createMultipartStream(
  fields: Record<string, string>,
  file: MultipartFilePart,
  boundary: string = randomBoundary(),
): MultipartStream {
  let head = "";
  for (const [name, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(name)}"\r\n\r\n`;
    head += `${value}\r\n`;
  }
  // Header injection through the type is as bad as through the filename; a type has no CR/LF.
  const type = (file.contentType ?? "application/octet-stream").replace(/[\r\n]/g, "");
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(file.name)}"; ` +
    `filename="${escapeQuoted(file.fileName)}"\r\nContent-Type: ${type}\r\n\r\n`;
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);

  const source = file.body;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let phase: "head" | "file" | "tail" = "head";

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (phase === "head") {
          phase = "file";
          controller.enqueue(encoder.encode(head));
          return;
        }
        if (phase === "file") {
          reader ??= (source instanceof Blob ? source.stream() : source).getReader();
          // Loop past empty chunks: a pull that enqueues nothing is not called again.
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            if (!(value instanceof Uint8Array))
              throw new TypeError("The file stream must yield Uint8Array chunks");
            if (value.byteLength > 0) {
              controller.enqueue(value);
              return;
            }
          }
          phase = "tail";
        }
        controller.enqueue(tail);
        controller.close();
      },
      async cancel(reason) {
        if (reader) await reader.cancel(reason);
        else if (!(source instanceof Blob) && !source.locked) await source.cancel(reason);
      },
    },
    // Pull only when the consumer asks: nothing is read ahead of the socket.
    { highWaterMark: 0 },
  );
  return { stream, contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}
