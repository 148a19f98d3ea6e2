// A tus-js-client `fileReader` that gives each chunk as a Buffer read from the file at its range:
// what a browser's tus-js-client sends (a `File`'s `slice()`, whole, through XHR), where the Node
// build's own source for a path opens a new ReadStream per chunk and pipes it into the request.
import { open } from "node:fs/promises";

/** `openFile(input)` takes `{ path }`; each `slice(start, end)` reads those bytes, never more. */
export const fileSliceReader = {
  async openFile(input) {
    const file = await open(input.path);
    const { size } = await file.stat();
    return {
      size,
      async slice(start, end) {
        const length = Math.max(0, Math.min(end, size) - start);
        const value = Buffer.allocUnsafe(length);
        for (let read = 0; read < length; ) {
          const { bytesRead } = await file.read(value, read, length - read, start + read);
          if (bytesRead === 0) throw new Error(`${input.path} ended before its size`);
          read += bytesRead;
        }
        // tus-js-client reads a chunk's length from `size`, as on its Buffer source.
        value.size = length;
        return { value, done: start + length >= size };
      },
      close() {
        file.close().catch(() => {});
      },
    };
  },
};
