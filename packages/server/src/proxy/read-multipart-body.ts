import type { Writable } from "node:stream";
import Busboy, { type BusboyHeaders } from "@fastify/busboy";
import { UploadError } from "@upkit/core";
import type { UploadOutcome } from "./upload-outcome";

/**
 * Caps on what is held in memory besides the file's small window. Fields are small JSON
 * (`input`) and numbers; anything larger is a broken or hostile client.
 */
export const MULTIPART_LIMITS = {
  fields: 32,
  fieldSize: 64 * 1024,
  totalFieldSize: 256 * 1024,
  headerSize: 16 * 1024,
  headerPairs: 20,
};

/**
 * What the request body may queue in the parser before waiting for it to drain: a few socket
 * reads, so that the reader is not stopped after each one (busboy's default is 16 KiB, less than
 * one read).
 */
const PARSER_WINDOW_BYTES = 256 * 1024;

/** The `file` part, as the parser hands it over (paused until its stream is read). */
export interface FilePart {
  stream: FileStream;
  fileName: string | undefined;
  /** The part's declared Content-Type. */
  type: string;
  /** The text fields sent before the file: all of them, since a field after it is refused. */
  fields: Record<string, string>;
  /** Resolves once the parser read a well-formed multipart end; never rejects. */
  bodyEnded: Promise<void>;
}

/** Bytes of the request body read so far, and its Content-Length when it has one. */
export interface BodyProgress {
  received: number;
  contentLength?: number;
}

type FileStream = NodeJS.ReadableStream;
type Failures = Pick<UploadOutcome<unknown>, "fail" | "error" | "signal">;
type Parser = InstanceType<typeof Busboy>;

/**
 * Opens a proxy upload's `multipart/form-data` body, or refuses a request that cannot be one
 * ("bad-request"): another Content-Type, no boundary, a Content-Length that is no byte count,
 * no body. Nothing is read until {@link MultipartBody.read}.
 */
export function openMultipartBody(request: Request): MultipartBody {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
    throw new UploadError("bad-request", "The proxy upload must be a multipart/form-data request");
  }
  const contentLength = parseContentLength(request.headers.get("content-length"));
  if (!request.body) throw new UploadError("bad-request", "The proxy upload has no body");
  const parser = createParser(contentType);
  return new MultipartBody(parser, request.body.getReader(), contentLength);
}

/**
 * The request body, read once: counted, checked against its Content-Length and fed to the
 * multipart parser with backpressure (a chunk is read only once the parser took the last one, and
 * the parser waits while the file part is not read). Every failure of the body or of its
 * multipart framing goes to the outcome, as "bad-request" or, for a body cut off, "aborted".
 */
export class MultipartBody {
  private received = 0;

  constructor(
    private readonly parser: Parser,
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    readonly contentLength: number | undefined,
  ) {}

  progress(): BodyProgress {
    return {
      received: this.received,
      ...(this.contentLength === undefined ? {} : { contentLength: this.contentLength }),
    };
  }

  /** Stops reading: the client is gone, nothing is left to drain. */
  cancel(): void {
    this.reader.cancel().catch(() => {});
  }

  /**
   * Reads the whole body, handing the `file` part to `onFile`. After a failure the rest is read
   * and dropped (as the emulator does), so that the adapter's 4xx can reach the client instead of
   * a connection reset; {@link cancel} stops that. Resolves once the body was read or cut.
   */
  async read(outcome: Failures, onFile: (part: FilePart) => void): Promise<void> {
    collectParts(this.parser, outcome, onFile);
    try {
      await this.pump(outcome);
    } catch (error) {
      // The body stream broke: the connection was closed (client gone, or cut by a proxy).
      outcome.fail(this.cutOff(error));
      return;
    }
    if (outcome.error !== undefined) return;
    if (this.contentLength !== undefined && this.received < this.contentLength) {
      // The stream ended cleanly but short: a body truncated on its way (e.g. by a proxy).
      outcome.fail(
        new UploadError(
          "bad-request",
          `The request body was truncated: received ${this.received} of the ${this.contentLength} bytes of its Content-Length`,
          { data: this.progress() },
        ),
      );
      return;
    }
    this.parser.end();
  }

  private async pump(outcome: Failures): Promise<void> {
    for (;;) {
      const { done, value } = await this.reader.read();
      if (done) return;
      this.received += value.byteLength;
      // After a failure the rest is read and dropped, so the answer can still be delivered.
      if (outcome.error !== undefined) continue;
      if (this.contentLength !== undefined && this.received > this.contentLength) {
        outcome.fail(
          new UploadError("bad-request", "The request body is longer than its Content-Length", {
            data: this.progress(),
          }),
        );
        continue;
      }
      if (!this.parser.write(value)) await waitForDrain(this.parser, outcome.signal);
    }
  }

  private cutOff(error: unknown): UploadError {
    const { received, contentLength } = this;
    const cut = contentLength === undefined ? "" : ` after ${received} of ${contentLength} bytes`;
    return new UploadError("aborted", `The request body was cut off${cut}: the connection closed`, {
      data: this.progress(),
      cause: error,
    });
  }
}

function createParser(contentType: string): Parser {
  try {
    return new Busboy({
      headers: { "content-type": contentType } as BusboyHeaders,
      // A part named `file` is the file even without a filename, so it cannot pose as a field.
      isPartAFile: (name, _type, fileName) => name === "file" || fileName !== undefined,
      highWaterMark: PARSER_WINDOW_BYTES,
      limits: {
        fields: MULTIPART_LIMITS.fields,
        fieldSize: MULTIPART_LIMITS.fieldSize,
        files: 1,
        parts: MULTIPART_LIMITS.fields + 1,
        headerSize: MULTIPART_LIMITS.headerSize,
        headerPairs: MULTIPART_LIMITS.headerPairs,
      },
    });
  } catch {
    throw new UploadError("bad-request", "The multipart Content-Type has no usable boundary");
  }
}

/**
 * Listens to the parser: fields are collected (capped) until the file part, which goes to
 * `onFile`. A field after the file, a second file part or a file part not named `file` is
 * refused: it would otherwise be dropped silently (e.g. an `input` sent after the file that
 * `prepare` never saw). Refusing it costs nothing upstream, since the upload is only completed
 * once the whole body was checked.
 */
function collectParts(parser: Parser, outcome: Failures, onFile: (part: FilePart) => void): void {
  const fields: Record<string, string> = {};
  let fieldBytes = 0;
  let fileSeen = false;
  let endBody!: () => void;
  const bodyEnded = new Promise<void>((resolve) => {
    endBody = resolve;
  });
  const refuse = (message: string) => outcome.fail(new UploadError("bad-request", message));

  parser.on("field", (name: string, value: string, _nameCut: boolean, valueCut: boolean) => {
    if (fileSeen) return refuse(`The field "${name}" comes after the file: send fields first`);
    fieldBytes += value.length;
    if (valueCut || fieldBytes > MULTIPART_LIMITS.totalFieldSize) {
      return refuse(`The field "${name}" is too large`);
    }
    fields[name] = value;
  });
  parser.on("fieldsLimit", () => refuse(`At most ${MULTIPART_LIMITS.fields} fields can be sent`));
  parser.on("partsLimit", () => refuse("The request has too many parts"));
  parser.on("filesLimit", () => refuse("Only one file can be sent per proxy upload"));
  parser.on("error", () => refuse("The request contains a malformed multipart body"));
  parser.on("finish", () => {
    if (!fileSeen) refuse('The request has no "file" part');
    else endBody();
  });
  parser.on(
    "file",
    (name: string, stream: FileStream, fileName: string | undefined, _e: string, type: string) => {
      fileSeen = true;
      // Until the stream is read (or destroyed on failure), the parser stays paused.
      stream.on("error", () => {});
      if (outcome.error !== undefined) {
        stream.resume();
        return;
      }
      // A failure ends a read waiting on the file part: the parser gets no more bytes after one.
      const destroy = () => (stream as { destroy?: () => void }).destroy?.();
      outcome.signal.addEventListener("abort", destroy, { once: true });
      if (name !== "file") {
        refuse(`Unexpected file part "${name}": the file goes in "file"`);
        return;
      }
      onFile({ stream, fileName, type, fields: { ...fields }, bodyEnded });
    },
  );
}

/** Resolves once the parser wants more bytes, or at the first failure. */
function waitForDrain(parser: Writable, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      parser.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    parser.on("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

function parseContentLength(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new UploadError("bad-request", "The request's Content-Length is not a byte count");
  }
  return Number(value);
}
