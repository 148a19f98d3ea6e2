import {
  type PublicRestrictions,
  type Rejection,
  UploadError,
  type UploadResult,
} from "@upkit/core";
import type { ImageKitClient, QueuedUpload, UploadSource } from "../imagekit/imagekit-client-types";
import {
  checkFileContent,
  SNIFF_BYTES,
  type SniffedType,
  sniffFileType,
} from "./check-file-content";
import { GuardedFile } from "./guarded-file";
import type { FilePart } from "./read-multipart-body";
import { storedNameFor, storedTypeFor } from "./stored-file";
import type { ProxyUploadArgs } from "./stream-proxy-upload";
import type { UploadOutcome } from "./upload-outcome";

export interface FilePartContext {
  restrictions: PublicRestrictions;
  client: ImageKitClient;
  prepare: ProxyUploadArgs["prepare"];
  outcome: UploadOutcome<UploadResult | QueuedUpload>;
}

/** What goes upstream besides the bytes: the form fields, the part's name and type. */
interface Upload {
  fields: Record<string, string>;
  source: Omit<UploadSource, "body">;
}

/**
 * Sends the file part to ImageKit:
 *
 * 1. Its first {@link SNIFF_BYTES} bytes are sniffed; a wrong type is refused before any byte
 *    goes upstream.
 * 2. `prepare` runs with the real type and a name that agrees with it ({@link prepareUpload}).
 * 3. The file streams through its guard ({@link GuardedFile}), whose upstream body ends only once
 *    the whole request body was read and the file verified: its size equal to the declared one,
 *    its content within the restrictions (sizes included).
 */
export async function uploadFilePart(
  part: FilePart,
  context: FilePartContext,
): Promise<UploadResult | QueuedUpload> {
  const { restrictions, outcome } = context;
  const { fileName, type: declaredType } = part;
  if (!fileName) throw new UploadError("bad-request", "The file part has no filename");
  const declaredSize = parseSizeField(part.fields.size);
  const limits = { name: fileName, maxFileSize: restrictions.maxFileSize, declaredSize };
  const file = new GuardedFile(part.stream, limits);

  const start = await file.readHead(SNIFF_BYTES);
  const sniffed = await sniffFileType(start.head.subarray(0, SNIFF_BYTES));
  const content = { name: fileName, declaredType, sniffed };
  const wrongType = checkFileContent({ accept: restrictions.accept }, { ...content, size: 0 });
  if (wrongType) throw rejectionError(wrongType, sniffed);
  outcome.throwIfFailed();

  const upload = await prepareUpload(context.prepare, part, { ...content, declaredSize });
  outcome.throwIfFailed();

  // Resolves once the whole body is read and checked; rejects with the first failure.
  const verify = async () => {
    await Promise.race([part.bodyEnded, outcome.failed]);
    file.checkDeclaredSize();
    const rejection = checkFileContent(restrictions, { ...content, size: file.size });
    if (rejection) throw rejectionError(rejection, sniffed);
  };
  const body = await file.upstreamBody(start, verify, outcome.fail);
  return sendUpstream(context.client, upload, body, outcome);
}

/**
 * Runs `prepare` with the type read from the bytes and the name given that type's extension
 * (`invoice.exe` holding a PDF becomes `invoice.pdf`). The name sent upstream gets the same
 * correction, whatever the profile chose.
 */
async function prepareUpload(
  prepare: ProxyUploadArgs["prepare"],
  part: FilePart,
  file: { name: string; declaredType: string; declaredSize?: number; sniffed?: SniffedType },
): Promise<Upload> {
  const { name, declaredSize, sniffed } = file;
  // The profile decides its options knowing the real type (from the bytes), not the one the
  // browser declared.
  const contentType = storedTypeFor(name, file.declaredType, sniffed);
  const storedName = (given: string) => storedNameFor(given, contentType, sniffed);
  const prepared = await prepare({
    fields: { ...part.fields },
    file: {
      name: storedName(name),
      type: contentType,
      ...(declaredSize === undefined ? {} : { size: declaredSize }),
    },
  });
  // Whatever name the profile chose, the stored one must agree with the content as well.
  const fileName = storedName(prepared.fileName ?? name);
  const fields = prepared.fileName === undefined ? prepared : { ...prepared, fileName };
  return { fields, source: { fileName, contentType } };
}

/** The upload request; a failure of its own is an "upstream-error" unless another came first. */
async function sendUpstream(
  client: ImageKitClient,
  upload: Upload,
  body: Blob | ReadableStream<Uint8Array>,
  outcome: UploadOutcome<UploadResult | QueuedUpload>,
): Promise<UploadResult | QueuedUpload> {
  try {
    return await client.upload(
      upload.fields,
      { ...upload.source, body },
      { signal: outcome.signal, acceptQueued: true },
    );
  } catch (error) {
    if (outcome.error !== undefined || error instanceof UploadError) throw outcome.error ?? error;
    throw new UploadError("upstream-error", "The upload to ImageKit failed", { cause: error });
  }
}

function rejectionError(rejection: Rejection, sniffed: SniffedType | undefined): UploadError {
  return new UploadError(rejection.code, rejection.message, {
    data: sniffed ? { detectedType: sniffed.mime } : undefined,
  });
}

function parseSizeField(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new UploadError("bad-request", 'The "size" field must be the file\'s byte count');
  }
  return Number(value);
}
