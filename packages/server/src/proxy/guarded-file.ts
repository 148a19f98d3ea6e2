import { UploadError } from "@upkit/core";

export interface FileLimits {
  /** The file's name, for the messages. */
  name: string;
  maxFileSize?: number;
  /** The `size` field: the file must have exactly this many bytes. */
  declaredSize?: number;
}

/** The file's first bytes, and whether they are the whole file. */
export interface FileHead {
  head: Buffer<ArrayBuffer>;
  whole: boolean;
}

/**
 * The file part, read through a guard that counts every byte: it fails as soon as the real
 * content breaks a limit ("file-too-large" past `maxFileSize`; "bad-request" past the declared
 * size), or when the part breaks ("bad-request": the body's multipart framing). Nothing is read
 * ahead: a chunk is read only when the head or the upstream body asks for one.
 */
export class GuardedFile {
  private readonly chunks: AsyncIterator<Buffer>;
  private counted = 0;

  /** Throws "file-too-large" when the declared size is over the limit: the file is not read. */
  constructor(
    part: NodeJS.ReadableStream,
    private readonly limits: FileLimits,
  ) {
    const { declaredSize } = limits;
    if (declaredSize !== undefined && this.exceeds(declaredSize)) throw this.tooLarge();
    this.chunks = (part as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** Bytes of the file read so far. */
  get size(): number {
    return this.counted;
  }

  /** The first `length` bytes (or the first chunks that hold them), or the whole smaller file. */
  async readHead(length: number): Promise<FileHead> {
    const chunks: Buffer[] = [];
    let read = 0;
    while (read < length) {
      const next = await this.next();
      if (next.done) return { head: Buffer.concat(chunks), whole: true };
      chunks.push(this.take(next.value));
      read += next.value.length;
    }
    return { head: Buffer.concat(chunks), whole: false };
  }

  /** Throws when the file, read to its end, has fewer bytes than its size field said. */
  checkDeclaredSize(): void {
    const { declaredSize } = this.limits;
    if (declaredSize !== undefined && declaredSize !== this.counted) {
      throw new UploadError(
        "bad-request",
        `The file has ${this.counted} bytes, but its size field said ${declaredSize}`,
        { data: { declaredSize, size: this.counted } },
      );
    }
  }

  /**
   * The body for the upstream request, from `start` on. It ends only once `verify` resolved:
   * an end lets ImageKit complete the file, an error makes it discard it. Whatever fails is
   * reported to `fail`, which returns the failure that stands: the error the body ends with.
   *
   * A small file, known whole before anything goes out, is verified first and sent as a Blob,
   * which the client may retry on a transient failure (a stream it cannot).
   */
  async upstreamBody(
    start: FileHead,
    verify: () => Promise<void>,
    fail: (error: unknown) => unknown,
  ): Promise<Blob | ReadableStream<Uint8Array>> {
    if (start.whole) {
      await verify();
      return new Blob([start.head]);
    }
    return this.stream(start.head, verify, fail);
  }

  private stream(
    head: Buffer,
    verify: () => Promise<void>,
    fail: (error: unknown) => unknown,
  ): ReadableStream<Uint8Array> {
    let pending: Buffer | undefined = head;
    // Set when the upstream request gives up on the body: its own rejection says why, and is
    // the failure; nothing read after that may pass for one.
    let cancelled = false;
    const pull = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
      try {
        if (pending) {
          controller.enqueue(pending);
          pending = undefined;
          return;
        }
        const next = await this.next();
        if (cancelled) return;
        if (next.done) {
          await verify();
          if (!cancelled) controller.close();
          return;
        }
        controller.enqueue(this.take(next.value));
      } catch (error) {
        if (cancelled) return;
        controller.error(fail(error));
      }
    };
    const cancel = () => {
      cancelled = true;
    };
    // Pull only as fast as the upstream socket takes bytes: nothing is read ahead.
    return new ReadableStream<Uint8Array>({ pull, cancel }, { highWaterMark: 0 });
  }

  /** The next chunk of the part; it breaks only when the body does (the parser says so too). */
  private next(): Promise<IteratorResult<Buffer>> {
    return this.chunks.next().catch((error: unknown) => {
      throw new UploadError("bad-request", "The request contains a malformed multipart body", {
        cause: error,
      });
    });
  }

  /** Counts `chunk`; throws as soon as the real content breaks a limit. */
  private take(chunk: Buffer): Buffer {
    this.counted += chunk.length;
    if (this.exceeds(this.counted)) throw this.tooLarge();
    const { declaredSize } = this.limits;
    if (declaredSize !== undefined && this.counted > declaredSize) {
      throw new UploadError(
        "bad-request",
        `The file has more bytes than its size field said (${declaredSize})`,
        { data: { declaredSize } },
      );
    }
    return chunk;
  }

  private exceeds(size: number): boolean {
    const { maxFileSize } = this.limits;
    return maxFileSize !== undefined && size > maxFileSize;
  }

  private tooLarge(): UploadError {
    const { name, maxFileSize } = this.limits;
    return new UploadError(
      "file-too-large",
      `${name} is larger than the ${maxFileSize} bytes allowed`,
      {
        data: { maxFileSize },
      },
    );
  }
}
