import type { FileReader } from "tus-js-client";

/**
 * Reads a `File` slice by slice as bytes: tus-js-client's Node build reads only Buffers and
 * streams, while the engine hands every transport a `File` (Node has had one since 20). Browsers
 * keep tus-js-client's own reader, which sends slices of the Blob without copying them.
 */
export const blobFileReader: FileReader = {
  openFile(input: Blob) {
    return Promise.resolve({
      size: input.size,
      async slice(start: number, end: number) {
        const stop = Math.min(end, input.size);
        const bytes = new Uint8Array(await input.slice(start, stop).arrayBuffer());
        // The Node HTTP stack sets Content-Length from `size`.
        return { value: Object.assign(bytes, { size: bytes.length }), done: stop >= input.size };
      },
      close() {},
    });
  },
};
