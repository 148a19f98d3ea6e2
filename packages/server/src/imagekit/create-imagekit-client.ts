import {
  type CustomMetadataField,
  customMetadataFieldSchema,
  fileDetailsSchema,
  UploadError,
  uploadResultSchema,
  withRetries,
} from "@upkit/core";
import { z } from "zod";
import { apiCall, encodeId, type ImageKitCall, toSearchParams, uploadCall } from "./imagekit-call";
import type {
  CreateCustomMetadataFieldInput,
  FolderDetails,
  ImageKitClient,
  ListFilesQuery,
  RequestOptions,
  UploadSource,
} from "./imagekit-client-types";
import type { ImageKitConfig } from "./imagekit-config";
import { parseWith, QueuedAnswer } from "./read-imagekit-answer";
import { createRedactor } from "./redact-secrets";
import { type AttemptContext, abortedRequest, sendAttempt } from "./send-attempt";

export interface ImageKitClientOptions {
  /** Retries after the first attempt, for network errors, 5xx and 429. Default 3. */
  maxRetries?: number;
  /** Idle time allowed per attempt, ms: the longest silence while the body goes out or the answer comes back. Default 60 000. */
  timeoutMs?: number;
  /** Default the global `fetch`. */
  fetch?: typeof fetch;
  /** The first backoff waits up to this long, ms. Default 500. */
  baseDelayMs?: number;
  /** Cap on any wait between attempts, server-advised ones included, ms. Default 10 000. */
  maxDelayMs?: number;
}

/**
 * The ImageKit client of the server: the private key goes into one Authorization value kept in
 * this closure, and nothing it throws or returns carries it (the client object itself has only
 * methods, so even `JSON.stringify(client)` is `{}`).
 */
export function createImageKitClient(
  config: ImageKitConfig,
  options: ImageKitClientOptions = {},
): ImageKitClient {
  const send = createSender(config, options);
  const fieldsUrl = `${config.apiEndpoint}/v1/customMetadataFields`;
  return {
    // One implementation behind the overloads: a 202 resolves only when `acceptQueued` is set.
    upload: (async (
      fields: Record<string, string>,
      file: UploadSource,
      requestOptions: RequestOptions & { acceptQueued?: boolean } = {},
    ) => {
      if (!(file.body instanceof Blob) && file.body.locked)
        throw new UploadError("internal-error", "The file stream is already being read");
      const call = uploadCall(config.uploadEndpoint, fields, file);
      const result = await send(call, requestOptions.signal).catch(async (error: unknown) => {
        // Release the caller's stream (e.g. the browser's request body) whatever went wrong.
        if (!(file.body instanceof Blob) && !file.body.locked)
          await file.body.cancel(error).catch(() => undefined);
        throw error;
      });
      if (result instanceof QueuedAnswer) {
        if (requestOptions.acceptQueued) return result.upload;
        const { message, requestId } = result.upload;
        throw new UploadError("upload-failed", message, { data: { status: 202, requestId } });
      }
      return parseWith(uploadResultSchema, result);
    }) as ImageKitClient["upload"],

    async getFileDetails(fileId, requestOptions = {}) {
      const url = `${config.apiEndpoint}/v1/files/${encodeId(fileId)}/details`;
      const result = await send(apiCall("GET", url), requestOptions.signal);
      return parseWith(fileDetailsSchema, result);
    },

    // One implementation behind the overloads: what comes back follows `type` / `searchQuery`.
    listFiles: (async (query: ListFilesQuery = {}, requestOptions: RequestOptions = {}) => {
      const url = `${config.apiEndpoint}/v1/files?${listParams(query)}`;
      const result = await send(apiCall("GET", url), requestOptions.signal);
      return parseWith(assetListSchema, result);
    }) as ImageKitClient["listFiles"],

    async deleteFile(fileId, requestOptions = {}) {
      const url = `${config.apiEndpoint}/v1/files/${encodeId(fileId)}`;
      await send(apiCall("DELETE", url), requestOptions.signal);
    },

    listCustomMetadataFields: (query = {}, requestOptions = {}) =>
      listFields(query.includeDeleted ?? false, requestOptions.signal),

    async createCustomMetadataField(field, requestOptions = {}) {
      const attempts = { count: 0 };
      try {
        const result = await send(
          apiCall("POST", fieldsUrl, field),
          requestOptions.signal,
          attempts,
        );
        return parseWith(customMetadataFieldSchema, result);
      } catch (error) {
        // A retry after a lost answer finds the name taken, by the field the lost attempt made.
        if (attempts.count > 1 && isNameTaken(error)) {
          const made = (await listFields(false, requestOptions.signal)).find((existing) =>
            isSameField(existing, field),
          );
          if (made) return made;
        }
        throw error;
      }
    },

    async updateCustomMetadataField(id, changes, requestOptions = {}) {
      const url = `${fieldsUrl}/${encodeId(id, "id")}`;
      const result = await send(apiCall("PATCH", url, changes), requestOptions.signal);
      return parseWith(customMetadataFieldSchema, result);
    },

    async deleteCustomMetadataField(id, requestOptions = {}) {
      const url = `${fieldsUrl}/${encodeId(id, "id")}`;
      const attempts = { count: 0 };
      try {
        await send(apiCall("DELETE", url), requestOptions.signal, attempts);
      } catch (error) {
        // A retry after a lost answer finds the field gone: deleted by that attempt, as asked.
        if (attempts.count > 1 && error instanceof UploadError && error.code === "not-found") {
          const all = await listFields(true, requestOptions.signal);
          if (all.some((existing) => existing.id === id)) return;
        }
        throw error;
      }
    },
  } satisfies ImageKitClient;

  async function listFields(
    includeDeleted: boolean,
    signal: AbortSignal | undefined,
  ): Promise<CustomMetadataField[]> {
    const url = `${fieldsUrl}${includeDeleted ? "?includeDeleted=true" : ""}`;
    return parseWith(customMetadataFieldListSchema, await send(apiCall("GET", url), signal));
  }
}

const customMetadataFieldListSchema = z.array(customMetadataFieldSchema);

/** ImageKit's 400 for a taken name (deleted fields' names stay taken). */
const isNameTaken = (error: unknown) =>
  error instanceof UploadError &&
  /custom metadata field with this name already exists/i.test(error.message);

/** The field a create would have made: same name, label and type (`TextArea` is `Textarea`). */
const isSameField = (existing: CustomMetadataField, field: CreateCustomMetadataFieldInput) =>
  existing.name === field.name &&
  existing.label === field.label &&
  existing.schema.type.toLowerCase() === field.schema.type.toLowerCase();

const folderDetailsSchema: z.ZodType<FolderDetails> = z.looseObject({
  type: z.literal("folder"),
  folderId: z.string(),
  name: z.string(),
  folderPath: z.string(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  customMetadata: z.record(z.string(), z.unknown()).optional(),
});

/** A list answer: files, and folders when `type` or the search asked for them. */
const assetListSchema = z.array(z.union([folderDetailsSchema, fileDetailsSchema]));

/** The list parameters: `type` and `searchQuery` go as given, the rest as for files. */
function listParams(query: ListFilesQuery): URLSearchParams {
  const params = toSearchParams(query);
  if (query.type !== undefined) params.set("type", query.type);
  if (query.searchQuery !== undefined) params.set("searchQuery", query.searchQuery);
  return params;
}

/**
 * Sends a call, retrying what `UploadError.retryable` says may help (network errors, 5xx, 429,
 * an idle timeout) with backoff, and at least the wait a 429 asked for, all capped at
 * `maxDelayMs`.
 */
function createSender(
  config: ImageKitConfig,
  options: ImageKitClientOptions,
): (
  call: ImageKitCall,
  signal: AbortSignal | undefined,
  attempts?: { count: number },
) => Promise<unknown> {
  const maxRetries = options.maxRetries ?? 3;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const credentials = base64(`${config.privateKey}:`);
  const authorization = `Basic ${credentials}`;
  const context: AttemptContext = {
    authorization,
    redact: createRedactor([config.privateKey, credentials, authorization]),
    timeoutMs: options.timeoutMs ?? 60_000,
    fetch: options.fetch,
  };
  return async (call, signal, attempts) => {
    if (signal?.aborted) throw abortedRequest();
    try {
      return await withRetries(
        (index) => {
          if (attempts) attempts.count = index + 1;
          return sendAttempt(call, signal, context);
        },
        {
          maxRetries: call.replayable ? maxRetries : 0,
          baseDelayMs: options.baseDelayMs ?? 500,
          maxDelayMs,
          maxRetryAfterMs: maxDelayMs,
          signal,
        },
      );
    } catch (error) {
      // An abort during a backoff wait rejects with the signal's own reason.
      if (signal?.aborted) throw abortedRequest();
      throw inWholeSeconds(error);
    }
  };
}

/**
 * The failure as the caller gets it: a wait ImageKit gave in ms (`X-RateLimit-Reset`) served the
 * retries here; what is left for the caller is whole seconds, rounded up, as `Retry-After` says it.
 */
function inWholeSeconds(error: unknown): unknown {
  if (!(error instanceof UploadError) || error.retryAfter === undefined) return error;
  if (Number.isInteger(error.retryAfter)) return error;
  return new UploadError(error.code, error.message, {
    data: error.data,
    cause: error.cause,
    retryAfter: Math.ceil(error.retryAfter),
  });
}

function base64(text: string): string {
  // btoa takes Latin-1 only; going through UTF-8 bytes works for any key and on every runtime.
  return btoa(
    Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join(""),
  );
}
