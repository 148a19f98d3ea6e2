import { connect } from "node:net";

/** The first response on a raw socket: its status line, headers and (unchunked) body. */
export interface RawAnswer {
  status: number;
  statusLine: string;
  contentType: string | undefined;
  raw: string;
}

/**
 * Writes bytes to a fresh socket exactly as given (a lying Content-Length, 20 KB of headers, a
 * body cut short), which `fetch` would refuse to send, and reads until the server closes the
 * connection or `timeoutMs` passes.
 */
export async function rawExchange(
  port: number,
  chunks: (string | Buffer)[],
  { end = false, timeoutMs = 3000 } = {},
): Promise<RawAnswer> {
  const socket = connect(port, "127.0.0.1");
  const received: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => received.push(chunk));
  // A reset after the answer is how a server drops a body it will not read: not a failure.
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, timeoutMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  for (const chunk of chunks) {
    if (socket.destroyed) break;
    await new Promise<void>((resolve) => socket.write(chunk, () => resolve()));
  }
  if (end && !socket.destroyed) socket.end();
  await closed;
  const raw = Buffer.concat(received).toString("latin1");
  const statusLine = raw.slice(0, raw.indexOf("\r\n"));
  const contentType = /\r\ncontent-type: *([^\r]*)/i.exec(raw)?.[1];
  return { status: Number(statusLine.split(" ")[1]), statusLine, contentType, raw };
}

export const BOUNDARY = "----emulator-security-boundary";

/** A multipart body by hand; `close: false` leaves out the closing boundary (a cut upload). */
export function multipart(
  fields: Record<string, string>,
  file: { name: string; data: Buffer } | undefined,
  { close = true } = {},
): Buffer {
  const pieces: Buffer[] = Object.entries(fields).map(([name, value]) =>
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    ),
  );
  if (file) {
    pieces.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
          "Content-Type: application/octet-stream\r\n\r\n",
      ),
      file.data,
      Buffer.from("\r\n"),
    );
  }
  if (close) pieces.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(pieces);
}
