import { z } from "zod";
import { publicRestrictionsSchema } from "./restrictions";
import { ERROR_CODES, type WireErrorCode } from "./upload-error";
import { uploadResultSchema } from "./upload-result";

/**
 * The wire protocol between the browser and the kit's route (`{base}` defaults to `/api/upload`):
 *
 * - `GET {base}/config`                → `ConfigResponse`
 * - `POST {base}/{profile}/sign`       `SignRequest` → `SignResponse`
 * - direct upload to ImageKit with the signed fields, then
 *   `POST {base}/{profile}/complete`   `CompleteRequest` → `CompleteResponse`
 * - `POST {base}/{profile}/proxy`      multipart (`input` JSON field, `file` part) → `CompleteResponse`
 * - `GET {base}/{profile}/status?fileId=` → `ProcessingState` (post-transformations, from webhooks)
 *
 * Errors are `ErrorBody` (see upload-error.ts) with the code's status.
 */

export const TRANSPORTS = ["direct", "proxy", "tus"] as const;
export const transportSchema = z.enum(TRANSPORTS);
export type Transport = z.infer<typeof transportSchema>;

export const profileConfigSchema = z.object({
  restrictions: publicRestrictionsSchema,
  transports: z.array(transportSchema).min(1),
});
export type ProfileConfig = z.infer<typeof profileConfigSchema>;

export const configResponseSchema = z.object({
  profiles: z.record(z.string(), profileConfigSchema),
});
export type ConfigResponse = z.infer<typeof configResponseSchema>;

const hasControlCharacter = (text: string) =>
  [...text].some((char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });

/**
 * What the browser says of a file before sending it, and all the checks (`checkFile`) know of
 * one: the browser's `File`, or what the server learnt of the bytes.
 */
export const fileInfoSchema = z.object({
  name: z
    .string()
    .max(1024)
    .refine((name) => name.trim() !== "", "The file name is empty")
    // Browsers never put these in a File's name: a path or a control character is forged.
    .refine((name) => !/[/\\]/.test(name) && !hasControlCharacter(name), {
      message: "The file name may not contain /, \\ or control characters",
    }),
  /** Bytes. */
  size: z.number().int().nonnegative(),
  /** MIME type: declared by the browser, or detected from magic bytes on the server. */
  type: z.string().max(255),
});
export type FileInfo = z.infer<typeof fileInfoSchema>;

export const signRequestSchema = z.object({
  files: z.array(fileInfoSchema).min(1).max(100),
  input: z.unknown().optional(),
});
export type SignRequest = z.infer<typeof signRequestSchema>;

export const signedUploadSchema = z.object({
  /** Where to POST the multipart form (ImageKit's upload API, v1 or v2). */
  uploadUrl: z.string(),
  /** Every form field but `file`, as strings; the file goes last under `file`. */
  fields: z.record(z.string(), z.string()),
  /** When the signature expires, ms since the epoch. */
  expiresAt: z.number(),
  /** Sent back with `complete`: binds the result to what the server decided. */
  completionToken: z.string(),
});
export type SignedUpload = z.infer<typeof signedUploadSchema>;

export const signResponseSchema = z.object({ files: z.array(signedUploadSchema) });
export type SignResponse = z.infer<typeof signResponseSchema>;

export const completeRequestSchema = z
  .object({
    /** The file ImageKit's upload answer named. */
    fileId: z.string().min(1).max(64).optional(),
    /**
     * Instead of `fileId`, when ImageKit queued the upload (202, a video's pre-transformation):
     * the route looks for the file the token's upload will store, and answers `QueuedState`
     * (202) until it is there.
     */
    queued: z.literal(true).optional(),
    completionToken: z.string().min(1),
    input: z.unknown().optional(),
  })
  .refine((body) => (body.fileId === undefined) === (body.queued === true), {
    message: "Pass either fileId or queued: true",
  });
export type CompleteRequest = z.infer<typeof completeRequestSchema>;

/**
 * Post-transformations of a stored file, as `type:value` keys (e.g. `thumbnail:w-150,h-150`):
 * still running, done, or failed. Known only when the server receives ImageKit's webhooks.
 */
export const processingStateSchema = z.object({
  pending: z.array(z.string()),
  done: z.array(z.string()),
  failed: z.array(z.string()),
});
export type ProcessingState = z.infer<typeof processingStateSchema>;

export const completeResponseSchema = z.object({
  file: uploadResultSchema,
  /** Whatever the profile's `onUploadComplete` returned. */
  data: z.unknown().optional(),
  /** Present when the file has post-transformations and the server receives webhooks. */
  processing: processingStateSchema.optional(),
});
export type CompleteResponse<TData = unknown> = Omit<
  z.infer<typeof completeResponseSchema>,
  "data"
> & { data: TData };

/**
 * Resumable uploads (`{base}/{profile}/tus`, tus 1.0): once the last byte is on the server, it
 * streams the file on to ImageKit. `GET {base}/{profile}/tus/{id}/result` tells the browser how
 * that goes: 202 with this body while it runs, 200 with a `CompleteResponse` once ImageKit has
 * the file, or the error (an `ErrorBody` with its status).
 */
export const forwardingStateSchema = z.object({
  state: z.literal("forwarding"),
  /** Bytes of the file sent on to ImageKit so far. */
  bytesSent: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
});
export type ForwardingState = z.infer<typeof forwardingStateSchema>;

/**
 * ImageKit accepted the upload but stores the file later (HTTP 202: a video's pre-transformation
 * is queued). The route answers this (with status 202) from `proxy`, `complete` and the tus
 * result; the browser then asks `complete` with `{ queued: true, completionToken }` until the
 * answer is a `CompleteResponse` (the file is stored) or an error (ImageKit could not apply the
 * transformation).
 */
export const queuedStateSchema = z.object({
  state: z.literal("queued"),
  completionToken: z.string(),
});
export type QueuedState = z.infer<typeof queuedStateSchema>;

export const errorBodySchema = z.object({
  error: z.object({
    // Only the codes that go over the wire: a client-only one (`aborted`) is never answered with.
    code: z.enum(Object.keys(ERROR_CODES) as [WireErrorCode, ...WireErrorCode[]]),
    message: z.string(),
    data: z.unknown().optional(),
  }),
});
