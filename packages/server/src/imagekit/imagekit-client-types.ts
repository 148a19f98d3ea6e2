import type {
  CustomMetadataField,
  CustomMetadataFieldType,
  FileDetails,
  UploadResult,
} from "@upkit/core";

/** A file to send upstream: a replayable Blob, or a stream that can be read only once. */
export interface UploadSource {
  /** The bytes. A stream is not retried (it cannot be replayed); a Blob is. */
  body: Blob | ReadableStream<Uint8Array>;
  /** The multipart part's filename (ImageKit's SDKs set it to `fileName`). */
  fileName: string;
  /** The part's Content-Type; default `application/octet-stream`. */
  contentType?: string;
}

/**
 * ImageKit accepted an upload but stores the file later (HTTP 202: a video's pre-transformation
 * is queued). The `upload.pre-transform.success` webhook then carries the upload's answer, with
 * `request.x_request_id` equal to `requestId`; `upload.pre-transform.error` says it failed.
 */
export interface QueuedUpload {
  queued: true;
  /** ImageKit's message, e.g. "The pre-transformation has been queued successfully." */
  message: string;
  /** The upload request's id (the `x-request-id` header), when ImageKit sent one. */
  requestId?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** The sorts ImageKit's list API documents. */
export type ListFilesSort =
  `${"ASC" | "DESC"}_${"CREATED" | "UPDATED" | "NAME" | "SIZE" | "HEIGHT" | "WIDTH"}`;

/** `GET /v1/files` (list and search assets). */
export interface ListFilesQuery {
  /** The folder whose assets to list, e.g. `/avatars/` (its subfolders' content is not listed). */
  path?: string;
  /** Files with any of these tags. No effect with `searchQuery`, as ImageKit documents. */
  tags?: string[];
  fileType?: "all" | "image" | "non-image";
  sort?: ListFilesSort;
  limit?: number;
  skip?: number;
  /** `file` (the default), `folder`, or `all` (both). No effect with `searchQuery`. */
  type?: "file" | "folder" | "all";
  /**
   * ImageKit's search language, e.g. `createdAt > "7d" AND tags IN ["sale"]` or
   * `"customMetadata.brand" = "Nike"`. It lists files only unless it names `type`
   * (`type = "folder"`, `type IN ["file", "folder"]`).
   */
  searchQuery?: string;
}

/** A folder as ImageKit's list API answers it (`type=folder` or `all`, or a search). */
export interface FolderDetails {
  type: "folder";
  folderId: string;
  name: string;
  /** `/images/summer`: no trailing slash. */
  folderPath: string;
  createdAt?: string;
  updatedAt?: string;
  customMetadata?: Record<string, unknown>;
}

/** What a list may hold; tell them apart with `"folderId" in asset`. */
export type ListedAsset = FileDetails | FolderDetails;

type MetadataValue = string | number | boolean;

/**
 * The rules of a custom metadata field, as `createCustomMetadataField` sends them (ImageKit's
 * `CustomMetadataFieldCreateParams.Schema`). `readOnly` is set through path policies only.
 */
export interface CustomMetadataFieldSchemaInput {
  type: CustomMetadataFieldType;
  /** The allowed values; required for `SingleSelect` and `MultiSelect`. */
  selectOptions?: MetadataValue[];
  /** Required when `isValueRequired` is: what a file gets when it sends no value. */
  defaultValue?: MetadataValue | MetadataValue[];
  isValueRequired?: boolean;
  /** `Number` fields: numbers; `Date` fields: ISO 8601 strings. */
  minValue?: string | number;
  maxValue?: string | number;
  /** `Text` and `Textarea` fields only. */
  minLength?: number;
  maxLength?: number;
}

/** `createCustomMetadataField`: `name` is the key in `customMetadata`, never reusable. */
export interface CreateCustomMetadataFieldInput {
  name: string;
  /** Shown in the media library; unique among the live fields. */
  label: string;
  schema: CustomMetadataFieldSchemaInput;
  /** Up to 500 characters, shown as a hint in the media library. */
  description?: string;
}

/** `updateCustomMetadataField`: `label`, `schema` or both (`type` cannot change). */
export interface UpdateCustomMetadataFieldInput {
  label?: string;
  /** Merged into the field's rules, which are checked against its existing `type`. */
  schema?: Omit<CustomMetadataFieldSchemaInput, "type">;
  /** An empty string clears it. */
  description?: string;
}

export interface ListCustomMetadataFieldsQuery {
  /** Also list deleted fields (their names stay taken). Default false. */
  includeDeleted?: boolean;
}

/**
 * What the server needs of ImageKit, with the private key inside (Basic auth). Every call takes
 * an AbortSignal; transient failures (network, 5xx, 429) are retried with backoff and jitter,
 * honouring `Retry-After` / `X-RateLimit-Reset`; other 4xx are never retried. Failures are
 * `UploadError`s carrying ImageKit's message (never the key).
 */
export interface ImageKitClient {
  /**
   * `POST {uploadEndpoint}/api/v1/files/upload` with the given form fields (strings) and file:
   * the stored file. When ImageKit queues the upload instead (202, a video's pre-transformation),
   * it rejects with an "upload-failed" `UploadError` (never retried: the bytes are at ImageKit),
   * unless `acceptQueued` is set: then it resolves the `QueuedUpload`.
   */
  upload(
    fields: Record<string, string>,
    file: UploadSource,
    options?: RequestOptions & { acceptQueued?: false },
  ): Promise<UploadResult>;
  upload(
    fields: Record<string, string>,
    file: UploadSource,
    options: RequestOptions & { acceptQueued: true },
  ): Promise<UploadResult | QueuedUpload>;
  getFileDetails(fileId: string, options?: RequestOptions): Promise<FileDetails>;
  /** Files (the default type, no search). */
  listFiles(
    query?: ListFilesQuery & { type?: "file"; searchQuery?: undefined },
    options?: RequestOptions,
  ): Promise<FileDetails[]>;
  /** Folders. */
  listFiles(
    query: ListFilesQuery & { type: "folder"; searchQuery?: undefined },
    options?: RequestOptions,
  ): Promise<FolderDetails[]>;
  /** `type: "all"`, or a search (which picks the types itself): files and folders. */
  listFiles(query?: ListFilesQuery, options?: RequestOptions): Promise<ListedAsset[]>;
  deleteFile(fileId: string, options?: RequestOptions): Promise<void>;
  /** `GET {apiEndpoint}/v1/customMetadataFields`: the live fields (deleted too, when asked). */
  listCustomMetadataFields(
    query?: ListCustomMetadataFieldsQuery,
    options?: RequestOptions,
  ): Promise<CustomMetadataField[]>;
  /**
   * `POST /v1/customMetadataFields`. Retried like every call: when an earlier attempt did create
   * the field but its answer was lost, the retry's "name already exists" is answered with that
   * field (same name, label and type) instead.
   */
  createCustomMetadataField(
    field: CreateCustomMetadataFieldInput,
    options?: RequestOptions,
  ): Promise<CustomMetadataField>;
  /** `PATCH /v1/customMetadataFields/{id}`. */
  updateCustomMetadataField(
    id: string,
    changes: UpdateCustomMetadataFieldInput,
    options?: RequestOptions,
  ): Promise<CustomMetadataField>;
  /**
   * `DELETE /v1/customMetadataFields/{id}`. A retry's 404 after an earlier attempt did delete
   * it resolves, as the first attempt would have.
   */
  deleteCustomMetadataField(id: string, options?: RequestOptions): Promise<void>;
}
