import type { Readable } from "node:stream";

/**
 * Reads the first `bytes` (or more) of a stream and puts them back at its front, paused, so that
 * whoever reads it next sees every byte: no async iterator, which would own the stream, and
 * whose reads join whatever is buffered into one new Buffer. `ended` says the stream ended
 * first: then `head` is all of it.
 */
export function readHead(
  stream: Readable,
  bytes: number,
): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (ended: boolean) => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", reject);
      const head = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      if (!ended) stream.unshift(head);
      resolve({ head, ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length < bytes) return;
      stream.pause();
      done(false);
    };
    const onEnd = () => done(true);
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("error", reject);
  });
}
