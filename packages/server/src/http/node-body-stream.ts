import { finished, type Readable } from "node:stream";

/**
 * How many body bytes the node adapter reads ahead of the handler. A route reads its body only
 * after its checks (authorize, the tus upload's owner, its lock, the store's open): read-ahead
 * keeps the connection moving meanwhile, where Node's own `Readable.toWeb` stops reading after
 * one chunk and the sender waits. Bounded, so a request refused before its body is read holds
 * at most this much.
 */
export const BODY_READ_AHEAD = 256 * 1024;

/**
 * A Web stream of a Node request body: its chunks as they are (Node 20's `Readable.toWeb`
 * copies each one), up to `readAhead` bytes queued before the source is paused. Cancelling the
 * Web stream destroys the source; a source that ends early errors the Web stream.
 */
export function nodeBodyStream(
  source: Readable,
  readAhead = BODY_READ_AHEAD,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.on("data", (chunk: Buffer) => {
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        });
        finished(source, (error) => {
          // After a cancel the stream is closed already: nothing more to tell it.
          try {
            if (error) controller.error(error);
            else controller.close();
          } catch {}
        });
      },
      pull() {
        source.resume();
      },
      cancel() {
        source.destroy();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: readAhead }),
  );
}
