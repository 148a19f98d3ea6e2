import type { Readable } from "node:stream";

/** A Web stream of a Node stream, pulled only as fast as the upload sends (nothing read ahead). */
export function countedStream(
  source: Readable,
  onBytes: (count: number) => void,
): ReadableStream<Uint8Array> {
  // A source nobody reads yet (an attempt ImageKit refused before the body) that fails, e.g. its
  // file removed before it opened, would throw out of the process: its reader gets the error
  // from the iterator instead.
  source.on("error", () => {});
  const chunks = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) {
          controller.close();
          return;
        }
        onBytes((next.value as Buffer).length);
        controller.enqueue(next.value as Buffer);
      },
      cancel() {
        source.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}
