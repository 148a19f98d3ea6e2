import { connect } from "node:net";

/** One HTTP response as it came off the wire. */
export interface RawResponse {
  status: number;
  statusLine: string;
  headers: Record<string, string>;
  body: string;
}

export interface RawOptions {
  /** Half-close the socket once everything is written (the client says it sends no more). */
  end?: boolean;
  /** Give up waiting for the server to close after this long (ms). */
  timeoutMs?: number;
}

/**
 * Writes bytes to a fresh socket exactly as given, which `fetch` would refuse to send (a lying
 * Content-Length, a control character in the request line, 20 KB of headers), and reads until
 * the server closes the connection. Every response in the stream is returned: after a body
 * shorter than its Content-Length says, the leftover bytes are parsed as a second request.
 */
export async function rawExchange(
  port: number,
  chunks: (string | Buffer)[],
  { end = false, timeoutMs = 3000 }: RawOptions = {},
): Promise<{ responses: RawResponse[]; raw: string; closedByServer: boolean }> {
  const socket = connect(port, "127.0.0.1");
  const received: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => received.push(chunk));
  const closed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, timeoutMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
    // A reset after the answer was sent is how a server drops an unread body: not a failure.
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  for (const chunk of chunks) {
    if (socket.destroyed) break;
    await new Promise<void>((resolve) => socket.write(chunk, () => resolve()));
  }
  if (end && !socket.destroyed) socket.end();
  const closedByServer = await closed;
  const raw = Buffer.concat(received).toString("latin1");
  return { responses: parseResponses(raw), raw, closedByServer };
}

/** Splits a byte stream into HTTP/1.1 responses (Content-Length or chunked bodies). */
export function parseResponses(raw: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = raw;
  while (rest.startsWith("HTTP/")) {
    const headEnd = rest.indexOf("\r\n\r\n");
    if (headEnd < 0) break;
    const [statusLine = "", ...lines] = rest.slice(0, headEnd).split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    rest = rest.slice(headEnd + 4);
    let body = "";
    if (headers["transfer-encoding"]?.toLowerCase() === "chunked") {
      for (;;) {
        const lineEnd = rest.indexOf("\r\n");
        if (lineEnd < 0) break;
        const size = Number.parseInt(rest.slice(0, lineEnd), 16);
        if (Number.isNaN(size)) break;
        body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
        rest = rest.slice(lineEnd + 2 + size + 2);
        if (size === 0) break;
      }
    } else {
      const length = Number(headers["content-length"] ?? 0);
      body = rest.slice(0, length);
      rest = rest.slice(length);
    }
    responses.push({ status: Number(statusLine.split(" ")[1]), statusLine, headers, body });
  }
  return responses;
}

/** A request head with CRLF line ends; `headers` are written in order, as given. */
export function head(method: string, path: string, headers: [string, string][]): string {
  return `${method} ${path} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
}

export type Part =
  | { name: string; value: string }
  | { name: string; filename?: string; type?: string; data: Buffer | string };

/**
 * A multipart/form-data body built by hand, so a test can break it on purpose: parts in any
 * order, any names, and `close: false` leaves out the closing boundary (a truncated upload).
 */
export function multipart(parts: Part[], { boundary = BOUNDARY, close = true } = {}): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    if ("value" in part) {
      pieces.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`,
        ),
      );
      continue;
    }
    const filename = part.filename === undefined ? "" : `; filename="${part.filename}"`;
    pieces.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n` +
          `Content-Type: ${part.type ?? "application/octet-stream"}\r\n\r\n`,
      ),
      Buffer.from(part.data),
      Buffer.from("\r\n"),
    );
  }
  if (close) pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

export const BOUNDARY = "----upkit-security-boundary";
export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
