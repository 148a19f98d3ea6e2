import { UploadError } from "@upkit/core";
import type { ListFilesQuery, UploadSource } from "./imagekit-client-types";
import { createMultipartStream, type MultipartStream } from "./multipart-stream";

/** An upload answers with the stored file; any other call is the management API. */
export type CallKind = "upload" | "api";

/** One request to ImageKit, as often as it is attempted. */
export interface ImageKitCall {
  kind: CallKind;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  /** Builds a fresh multipart body per attempt (uploads). */
  body?: () => MultipartStream;
  /** A JSON body (the management API's POST / PATCH); sent as it is on every attempt. */
  json?: unknown;
  /** A stream body cannot be replayed, so its call is never retried. */
  replayable: boolean;
}

/** A management API call, JSON in (for POST / PATCH) and out; replayable, so retried. */
export const apiCall = (
  method: ImageKitCall["method"],
  url: string,
  json?: unknown,
): ImageKitCall => ({
  kind: "api",
  method,
  url,
  ...(json === undefined ? {} : { json }),
  replayable: true,
});

/** `POST {uploadEndpoint}/api/v1/files/upload`: the form fields, then the file. */
export function uploadCall(
  uploadEndpoint: string,
  fields: Record<string, string>,
  file: UploadSource,
): ImageKitCall {
  const part = {
    name: "file",
    fileName: file.fileName,
    body: file.body,
    ...(file.contentType === undefined ? {} : { contentType: file.contentType }),
  };
  return {
    kind: "upload",
    method: "POST",
    url: `${uploadEndpoint}/api/v1/files/upload`,
    body: () => createMultipartStream(fields, part),
    replayable: file.body instanceof Blob,
  };
}

export function encodeId(id: string, name = "fileId"): string {
  if (id === "") throw new UploadError("bad-request", `${name} is empty`);
  return encodeURIComponent(id);
}

export function toSearchParams(query: ListFilesQuery): URLSearchParams {
  // `type=file`: ImageKit's list API can also return folders, which are no FileDetails.
  const params = new URLSearchParams({ type: "file" });
  if (query.path !== undefined) params.set("path", query.path);
  if (query.tags !== undefined && query.tags.length > 0) params.set("tags", query.tags.join(","));
  if (query.fileType !== undefined) params.set("fileType", query.fileType);
  if (query.sort !== undefined) params.set("sort", query.sort);
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.skip !== undefined) params.set("skip", String(query.skip));
  return params;
}
