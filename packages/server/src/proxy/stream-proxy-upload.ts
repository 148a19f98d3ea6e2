import Busboy, { type BusboyHeaders } from "@fastify/busboy";
import {
  checkFile,
  isAccepted,
  type PublicRestrictions,
  type Rejection,
  UploadError,
  type UploadResult,
} from "@upkit/core";
import { fileTypeFromBuffer } from "file-type";
import type { ImageKitClient } from "../imagekit/imagekit-client-types";
import { nameForType } from "../naming/name-for-type";
import { EXTENSION_ALIASES, MIME_ALIASES } from "../naming/type-aliases";

export interface ProxyUploadArgs {
  /** `multipart/form-data`: text fields first (e.g. `input` JSON, `size`), then ONE part named `file`. */
  request: Request;
  restrictions: PublicRestrictions;
  client: ImageKitClient;
  /**
   * Called once the file's first bytes passed the type check (the fields before it are known),
   * with the type read from those bytes and the name given that type's extension
   * ({@link storedNameFor}): validates and returns the ImageKit form fields (strings; includes
   * `fileName`, which gets the same correction). Throws an UploadError to refuse: then nothing is
   * sent upstream.
   */
  prepare(context: {
    fields: Record<string, string>;
    file: { name: string; type: string; size?: number };
  }): Promise<Record<string, string>>;
  /** Aborted when the client disconnects (`request.signal` is watched too). */
  signal?: AbortSignal;
}

/** How many leading bytes are sniffed: file-type's own "reasonable detection size". */
export const SNIFF_BYTES = 4100;

/**
 * Caps on what is held in memory besides the file's small window. Fields are small JSON
 * (`input`) and numbers; anything larger is a broken or hostile client.
 */
const LIMITS = {
  fields: 32,
  fieldSize: 64 * 1024,
  totalFieldSize: 256 * 1024,
  headerSize: 16 * 1024,
  headerPairs: 20,
};

/**
 * Streams one multipart upload to ImageKit (the `proxy` transport), never holding the file:
 *
 * 1. Fields before the `file` part are collected (capped).
 * 2. The first {@link SNIFF_BYTES} bytes are sniffed ({@link checkFileContent}); a wrong type is
 *    refused before any byte goes upstream. Then `prepare` runs, with the real type and a name
 *    whose extension agrees with it (`invoice.exe` holding a PDF becomes `invoice.pdf`); the name
 *    sent upstream gets the same correction, whatever the profile chose.
 * 3. The rest streams through a counting guard: past `maxFileSize` the upstream request is aborted
 *    at once ("file-too-large", without waiting for the rest of the body).
 * 4. The upstream body is closed only once the whole request body has been read and verified:
 *    bytes equal to `Content-Length`, a well-formed multipart end, the real size equal to the
 *    declared `size` field. Any disagreement errors the upstream body instead, so ImageKit never
 *    sees the closing boundary and stores nothing.
 *
 * A field after the file, a second file part or a file part not named `file` is refused
 * ("bad-request"): it would otherwise be dropped silently (e.g. an `input` sent after the file
 * that `prepare` never saw). Refusing it costs nothing upstream, since the upload is only
 * completed once the whole body was checked.
 *
 * After a refusal the rest of the body is read and dropped in the background (as the emulator
 * does), so that the adapter's 4xx can reach the client instead of a connection reset; a client
 * disconnect stops that.
 */
export async function streamProxyUpload(args: ProxyUploadArgs): Promise<UploadResult> {
  const { request, restrictions, client, prepare } = args;
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
    throw new UploadError("bad-request", "The proxy upload must be a multipart/form-data request");
  }
  const contentLength = parseContentLength(request.headers.get("content-length"));
  if (!request.body) throw new UploadError("bad-request", "The proxy upload has no body");

  let busboy: InstanceType<typeof Busboy>;
  try {
    busboy = new Busboy({
      headers: { "content-type": contentType } as BusboyHeaders,
      // A part named `file` is the file even without a filename, so it cannot pose as a field.
      isPartAFile: (name, _type, fileName) => name === "file" || fileName !== undefined,
      limits: {
        fields: LIMITS.fields,
        fieldSize: LIMITS.fieldSize,
        files: 1,
        parts: LIMITS.fields + 1,
        headerSize: LIMITS.headerSize,
        headerPairs: LIMITS.headerPairs,
      },
    });
  } catch {
    throw new UploadError("bad-request", "The multipart Content-Type has no usable boundary");
  }

  const reader = request.body.getReader();
  /** Bytes of the request body, and of the file part, read so far. */
  let received = 0;
  let fileBytes = 0;
  const progress = () => ({
    received,
    ...(contentLength === undefined ? {} : { contentLength }),
  });
  // Aborted on the first failure: stops the upstream request (ImageKit discards a request whose
  // body never ended) and every wait below.
  const stop = new AbortController();
  let failure: unknown;
  let rejectOutcome!: (error: unknown) => void;
  let resolveOutcome!: (result: UploadResult) => void;
  const outcome = new Promise<UploadResult>((resolve, reject) => {
    resolveOutcome = resolve;
    rejectOutcome = reject;
  });
  let fileStream: NodeJS.ReadableStream | undefined;
  // Rejects with the first failure: raced against every wait, so none outlives a failure.
  const failed = new Promise<never>((_, reject) => {
    stop.signal.addEventListener("abort", () => reject(failure), { once: true });
  });
  failed.catch(() => {});

  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    failure = error ?? new UploadError("internal-error", "The proxy upload failed");
    rejectOutcome(failure);
    stop.abort(failure);
    // Ends a read waiting on the file part (the parser gets no more bytes after a failure).
    (fileStream as { destroy?: () => void } | undefined)?.destroy?.();
  };

  // The client went away: nothing is drained, the upstream request is aborted.
  const clientGone = () => {
    fail(
      new UploadError("aborted", "The client closed the connection before the upload finished", {
        data: progress(),
      }),
    );
    reader.cancel().catch(() => {});
  };
  // `watched` keeps the Request reachable for as long as its signal is watched: undici's Request
  // is the only strong holder of the controller behind `request.signal` (the framework's signal
  // reaches it through a WeakRef), so a Request collected mid-upload would never report the
  // disconnect, and the upstream request would run on until ImageKit's answer or the timeout.
  const watched = {
    request,
    signals: [request.signal, args.signal].filter((s): s is AbortSignal => s !== undefined),
  };
  for (const signal of watched.signals) {
    if (signal.aborted) clientGone();
    else signal.addEventListener("abort", clientGone, { once: true });
  }

  // ---- the multipart parser's events

  const fields: Record<string, string> = {};
  let fieldBytes = 0;
  let fileSeen = false;
  let resolveBodyDone!: () => void;
  const bodyDone = new Promise<void>((resolve) => {
    resolveBodyDone = resolve;
  });

  busboy.on(
    "field",
    (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
      if (fileSeen) {
        return fail(
          new UploadError(
            "bad-request",
            `The field "${name}" comes after the file: send fields first`,
          ),
        );
      }
      fieldBytes += value.length;
      if (valueTruncated || fieldBytes > LIMITS.totalFieldSize) {
        return fail(new UploadError("bad-request", `The field "${name}" is too large`));
      }
      fields[name] = value;
    },
  );
  busboy.on("fieldsLimit", () =>
    fail(new UploadError("bad-request", `At most ${LIMITS.fields} fields can be sent`)),
  );
  busboy.on("partsLimit", () =>
    fail(new UploadError("bad-request", "The request has too many parts")),
  );
  busboy.on("filesLimit", () =>
    fail(new UploadError("bad-request", "Only one file can be sent per proxy upload")),
  );
  busboy.on("error", () =>
    fail(new UploadError("bad-request", "The request contains a malformed multipart body")),
  );
  busboy.on("finish", () => {
    if (!fileSeen) fail(new UploadError("bad-request", 'The request has no "file" part'));
    else resolveBodyDone();
  });
  busboy.on(
    "file",
    (
      name: string,
      stream: NodeJS.ReadableStream,
      fileName: string | undefined,
      _e: string,
      type: string,
    ) => {
      fileSeen = true;
      fileStream = stream;
      // Until the stream is read (or destroyed on failure), the parser stays paused.
      stream.on("error", () => {});
      if (failure !== undefined) {
        stream.resume();
        return;
      }
      if (name !== "file") {
        fail(
          new UploadError("bad-request", `Unexpected file part "${name}": the file goes in "file"`),
        );
        return;
      }
      // A failure elsewhere (a broken body, a disconnect) is the cause of whatever this throws.
      uploadFile(stream, fileName, type).then(resolveOutcome, (error: unknown) =>
        fail(failure ?? error),
      );
    },
  );

  // ---- the file part

  async function uploadFile(
    stream: NodeJS.ReadableStream,
    fileName: string | undefined,
    declaredType: string,
  ): Promise<UploadResult> {
    if (!fileName) throw new UploadError("bad-request", "The file part has no filename");
    const declaredSize = parseSizeField(fields.size);
    const tooLarge = () =>
      new UploadError(
        "file-too-large",
        `${fileName} is larger than the ${restrictions.maxFileSize} bytes allowed`,
        { data: { maxFileSize: restrictions.maxFileSize } },
      );
    if (declaredSize !== undefined && exceeds(declaredSize)) throw tooLarge();

    const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    // The file part breaks only when the body does (the parser reports that itself).
    const nextChunk = () =>
      chunks.next().catch((error: unknown) => {
        throw new UploadError("bad-request", "The request contains a malformed multipart body", {
          cause: error,
        });
      });
    // Counts every byte of the file; throws as soon as the real content breaks a limit.
    const take = (chunk: Buffer) => {
      fileBytes += chunk.length;
      if (exceeds(fileBytes)) throw tooLarge();
      if (declaredSize !== undefined && fileBytes > declaredSize) {
        throw new UploadError(
          "bad-request",
          `The file has more bytes than its size field said (${declaredSize})`,
          { data: { declaredSize } },
        );
      }
      return chunk;
    };

    // The head: enough to sniff, or the whole file when it is smaller.
    const headChunks: Buffer[] = [];
    let headLength = 0;
    let ended = false;
    while (headLength < SNIFF_BYTES) {
      const next = await nextChunk();
      if (next.done) {
        ended = true;
        break;
      }
      headChunks.push(take(next.value));
      headLength += next.value.length;
    }
    const head = Buffer.concat(headChunks);
    const sniffed = await sniffFileType(head.subarray(0, SNIFF_BYTES));
    const content = { name: fileName, declaredType, sniffed };
    const wrongType = checkFileContent({ accept: restrictions.accept }, { ...content, size: 0 });
    if (wrongType) throw rejectionError(wrongType, sniffed);
    if (failure !== undefined) throw failure;
    // The profile decides its options knowing the real type (from the bytes), not the one the
    // browser declared; a container format (zip, CFB, XML) keeps the declared, more specific one.
    const contentType =
      sniffed && !fitsContainer(sniffed.mime, baseType(declaredType), extensionOf(fileName))
        ? sniffed.mime
        : declaredType || "application/octet-stream";
    const storedName = (name: string) => storedNameFor(name, contentType, sniffed);
    const prepared = await prepare({
      fields: { ...fields },
      file: {
        name: storedName(fileName),
        type: contentType,
        ...(declaredSize === undefined ? {} : { size: declaredSize }),
      },
    });
    if (failure !== undefined) throw failure;
    // Whatever name the profile chose, the stored one must agree with the content as well.
    const upstreamName = storedName(prepared.fileName ?? fileName);
    const uploadFields =
      prepared.fileName === undefined ? prepared : { ...prepared, fileName: upstreamName };

    // Resolves once the whole body is read and checked; rejects with the first failure.
    const verified = async () => {
      await Promise.race([bodyDone, failed]);
      if (declaredSize !== undefined && declaredSize !== fileBytes) {
        throw new UploadError(
          "bad-request",
          `The file has ${fileBytes} bytes, but its size field said ${declaredSize}`,
          { data: { declaredSize, size: fileBytes } },
        );
      }
      const rejection = checkFileContent(restrictions, { ...content, size: fileBytes });
      if (rejection) throw rejectionError(rejection, sniffed);
    };
    const source = { fileName: upstreamName, contentType };
    const send = async (body: Blob | ReadableStream<Uint8Array>) => {
      try {
        return await client.upload(uploadFields, { ...source, body }, { signal: stop.signal });
      } catch (error) {
        if (failure !== undefined || error instanceof UploadError) throw failure ?? error;
        throw new UploadError("upstream-error", "The upload to ImageKit failed", { cause: error });
      }
    };

    if (ended) {
      // A small file is known whole before anything goes out: sent as a Blob, which the client
      // may retry on a transient failure (a stream it cannot).
      await verified();
      return send(new Blob([head]));
    }

    let pending: Buffer | undefined = head;
    // Set when the upstream request gives up on the body: its own rejection (through `send`)
    // says why, and is the failure; nothing read after that may pass for one.
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            if (pending) {
              controller.enqueue(pending);
              pending = undefined;
              return;
            }
            const next = await nextChunk();
            if (cancelled) return;
            if (next.done) {
              // Not closed until the body is verified: a close lets ImageKit complete the file,
              // an error makes it discard it.
              await verified();
              if (!cancelled) controller.close();
              return;
            }
            controller.enqueue(take(next.value));
          } catch (error) {
            if (cancelled) return;
            const reason = failure ?? error;
            fail(reason);
            controller.error(reason);
          }
        },
        cancel() {
          cancelled = true;
        },
      },
      // Pull only as fast as the upstream socket takes bytes: nothing is read ahead.
      { highWaterMark: 0 },
    );
    return send(body);
  }

  const exceeds = (size: number) =>
    restrictions.maxFileSize !== undefined && size > restrictions.maxFileSize;

  // ---- the request body: counted, fed to the parser with backpressure, drained after a failure

  const waitForDrain = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        busboy.off("drain", done);
        stop.signal.removeEventListener("abort", done);
        resolve();
      };
      busboy.on("drain", done);
      stop.signal.addEventListener("abort", done, { once: true });
    });

  const pump = async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        // After a failure the rest is read and dropped, so the answer can still be delivered.
        if (failure !== undefined) continue;
        if (contentLength !== undefined && received > contentLength) {
          fail(
            new UploadError("bad-request", "The request body is longer than its Content-Length", {
              data: progress(),
            }),
          );
          continue;
        }
        if (!busboy.write(value)) await waitForDrain();
      }
    } catch (error) {
      // The body stream broke: the connection was closed (client gone, or cut by a proxy).
      const cut = contentLength === undefined ? "" : ` after ${received} of ${contentLength} bytes`;
      fail(
        new UploadError("aborted", `The request body was cut off${cut}: the connection closed`, {
          data: progress(),
          cause: error,
        }),
      );
      return;
    }
    if (failure !== undefined) return;
    if (contentLength !== undefined && received < contentLength) {
      // The stream ended cleanly but short: a body truncated on its way (e.g. by a proxy).
      fail(
        new UploadError(
          "bad-request",
          `The request body was truncated: received ${received} of the ${contentLength} bytes of its Content-Length`,
          { data: progress() },
        ),
      );
      return;
    }
    busboy.end();
  };
  // Once the body is read, a disconnect no longer aborts: the file is whole and verified, so the
  // upload is left to finish (and the caller's completion to run) rather than orphaned upstream.
  pump()
    .catch(fail)
    .finally(() => {
      for (const signal of watched.signals) signal.removeEventListener("abort", clientGone);
    });

  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Content type: what the bytes are, and whether the profile accepts them

/** What file-type recognised in a file's first bytes. */
export interface SniffedType {
  ext: string;
  mime: string;
}

/** Sniffs the file type from its first bytes (pass up to {@link SNIFF_BYTES}); undefined when unknown. */
export async function sniffFileType(head: Uint8Array): Promise<SniffedType | undefined> {
  if (head.length === 0) return undefined;
  try {
    const found = await fileTypeFromBuffer(head);
    return found && { ext: found.ext, mime: found.mime };
  } catch {
    // A parser that runs out of a cut-off head (deep container probing) knows nothing for sure.
    return undefined;
  }
}

/**
 * Checks a file against restrictions by its content, not by what the browser declared:
 *
 * - **Recognised bytes** (PNG, PDF, MP4…): the type is the sniffed MIME (and its common aliases,
 *   e.g. `image/apng` is also `image/png`, `video/vnd.avi` also `video/x-msvideo`), and an
 *   extension pattern (`.pdf`) only matches when the name's extension belongs to the sniffed type:
 *   a PNG renamed `scan.pdf` is neither `application/pdf` nor `.pdf`.
 * - **Generic containers** (zip, OLE/CFB, XML): when the name or declared type is a format living
 *   in that container (`.docx`, `.xls`, `image/svg+xml`…), the declared facts are used, because
 *   the specific kind may lie beyond the sniffed bytes (a .docx whose `[Content_Types].xml` is not
 *   its first entry reads as plain zip). Anything else is judged as the container.
 * - **No signature**: text formats (CSV, TXT, JSON, SVG, Markdown) and formats file-type does not
 *   know are judged by the declared type and extension, as the browser judged them, UNLESS they
 *   claim a format that always starts with a signature (an image, PDF, office document, archive,
 *   audio or video): a text file named `photo.png` is refused.
 *
 * Sizes are checked with `checkFile` on `file.size` (pass the real byte count).
 */
export function checkFileContent(
  restrictions: PublicRestrictions,
  file: { name: string; size: number; declaredType: string; sniffed: SniffedType | undefined },
): Rejection | undefined {
  const sizeRejection = checkFile(
    { ...restrictions, accept: undefined },
    { name: file.name, size: file.size, type: file.declaredType },
  );
  if (sizeRejection) return sizeRejection;
  if (!restrictions.accept || restrictions.accept.length === 0) return undefined;

  const declaredType = baseType(file.declaredType);
  const extension = extensionOf(file.name);
  const { sniffed } = file;
  const accepted = restrictions.accept.join(", ");

  if (!sniffed || fitsContainer(sniffed.mime, declaredType, extension)) {
    if (!sniffed && claimsSignature(declaredType, extension)) {
      return {
        code: "file-invalid-type",
        message: `${file.name} does not contain what its name or type says (${declaredType || extension})`,
      };
    }
    if (isAccepted(restrictions.accept, { name: file.name, type: declaredType })) return undefined;
    return {
      code: "file-invalid-type",
      message: `${file.name} is not an accepted type (${accepted})`,
    };
  }

  const mime = baseType(sniffed.mime);
  const types = [mime, ...(MIME_ALIASES[mime] ?? [])];
  const extensions = [sniffed.ext, ...(EXTENSION_ALIASES[sniffed.ext] ?? [])];
  // The name as it should be for its content: its extension if it belongs to the type, else the type's.
  const name = extensions.includes(extension.slice(1))
    ? file.name
    : `${file.name.slice(0, file.name.length - extension.length)}.${sniffed.ext}`;
  if (types.some((type) => isAccepted(restrictions.accept, { name, type }))) return undefined;
  return {
    code: "file-invalid-type",
    message: `${file.name} is ${mime} by its content, which is not accepted (${accepted})`,
  };
}

/** Containers whose specific kind may lie beyond the sniffed bytes, and what lives in them. */
const CONTAINERS: Record<string, { extensions: string[]; types: RegExp }> = {
  "application/zip": {
    extensions: [
      ...["docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "xltm"],
      ...["pptx", "pptm", "potx", "potm", "ppsx", "ppsm", "vsdx"],
      ...["odt", "ods", "odp", "odg", "ott", "ots", "otp", "otg"],
      ...["epub", "jar", "apk", "xpi", "kmz", "3mf", "ipa"],
    ],
    types:
      /^(application\/(vnd\.openxmlformats-officedocument\..+|vnd\.oasis\.opendocument\..+|vnd\.ms-[a-z]+\.[a-z.]*macroenabled\.12|epub\+zip|java-archive|vnd\.android\.package-archive|x-xpinstall|vnd\.google-earth\.kmz|vnd\.visio)|model\/3mf)$/,
  },
  "application/x-cfb": {
    extensions: ["doc", "dot", "xls", "xlt", "ppt", "pot", "pps", "msi", "msg", "vsd", "pub"],
    types: /^application\/(msword|vnd\.ms-(excel|powerpoint|outlook|publisher)|x-msi|vnd\.visio)$/,
  },
  "application/xml": {
    extensions: ["xml", "svg", "xsd", "xsl", "xslt", "kml", "gpx", "rss", "atom", "xhtml", "plist"],
    types: /^[a-z]+\/([a-z0-9.+-]+\+)?xml$/,
  },
};

function fitsContainer(sniffedType: string, declaredType: string, extension: string): boolean {
  const container = CONTAINERS[sniffedType];
  if (!container) return false;
  return container.types.test(declaredType) || container.extensions.includes(extension.slice(1));
}

/**
 * The name a file is stored under: `name` with the extension of `contentType` (what the bytes
 * are, or the declared type when they have no signature), so that no CDN or browser takes a PDF
 * named `page.html` for a page. A name that fits the sniffed container is kept: a .docx whose
 * first bytes read as plain zip stays .docx.
 */
function storedNameFor(
  name: string,
  contentType: string,
  sniffed: SniffedType | undefined,
): string {
  if (sniffed && fitsContainer(sniffed.mime, "", extensionOf(name))) return name;
  return nameForType(name, contentType);
}

/**
 * Formats that always start with a signature file-type knows: a file claiming one of them whose
 * first bytes show none is not what it claims. Text-based and weakly signed formats (MP3 without
 * ID3, AAC, MPEG-TS, XML) are left out on purpose: their absence of magic proves nothing.
 */
const SIGNED_EXTENSIONS = new Set([
  ...["jpg", "jpeg", "jpe", "jfif", "png", "apng", "gif", "webp", "avif", "heic", "heif"],
  ...["bmp", "tif", "tiff", "ico", "jxl", "psd", "pdf"],
  ...["zip", "gz", "tgz", "7z", "rar", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"],
  ...["doc", "xls", "ppt", "mp4", "m4v", "m4a", "mov", "webm", "mkv", "avi", "wav", "flac"],
  ...["ogg", "oga", "ogv", "opus", "mid", "midi", "woff", "woff2", "wasm"],
]);
const SIGNED_TYPES =
  /^(image\/(jpeg|jpg|pjpeg|png|apng|gif|webp|avif|heic|heif|bmp|tiff|x-icon|vnd\.microsoft\.icon|jxl|vnd\.adobe\.photoshop)|application\/(pdf|zip|x-zip-compressed|gzip|x-gzip|x-7z-compressed|vnd\.rar|x-rar-compressed|vnd\.openxmlformats-officedocument\..+|vnd\.oasis\.opendocument\..+|epub\+zip|msword|vnd\.ms-excel|vnd\.ms-powerpoint|wasm)|video\/(mp4|x-m4v|quicktime|webm|matroska|x-matroska|avi|x-msvideo|vnd\.avi|ogg)|audio\/(mp4|x-m4a|m4a|wav|x-wav|wave|vnd\.wave|flac|x-flac|ogg|webm|midi)|font\/(woff|woff2))$/;

function claimsSignature(declaredType: string, extension: string): boolean {
  return SIGNED_TYPES.test(declaredType) || SIGNED_EXTENSIONS.has(extension.slice(1));
}

// ---------------------------------------------------------------------------------------------

function rejectionError(rejection: Rejection, sniffed: SniffedType | undefined): UploadError {
  return new UploadError(rejection.code, rejection.message, {
    data: sniffed ? { detectedType: sniffed.mime } : undefined,
  });
}

/** `image/png; x=y` → `image/png`, lower case. */
function baseType(type: string): string {
  return (type.split(";")[0] ?? "").trim().toLowerCase();
}

/** `.png` (lower case, with the dot), or "" when the name has none. */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot).toLowerCase();
}

function parseContentLength(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new UploadError("bad-request", "The request's Content-Length is not a byte count");
  }
  return Number(value);
}

function parseSizeField(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new UploadError("bad-request", 'The "size" field must be the file\'s byte count');
  }
  return Number(value);
}
