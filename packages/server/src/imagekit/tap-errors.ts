/**
 * A pass-through stream that reports the source's errors before fetch wraps them, and can cancel
 * the source even while fetch holds the pass-through's reader.
 */
export function tapErrors(
  source: ReadableStream<Uint8Array>,
  onError: (error: unknown) => void,
  onChunk: () => void,
): { stream: ReadableStream<Uint8Array>; cancel(reason: unknown): void } {
  const reader = source.getReader();
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          onError(error);
          throw error;
        }
        onChunk();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return { stream, cancel: (reason) => void reader.cancel(reason).catch(() => undefined) };
}
