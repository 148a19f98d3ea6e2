import { Metadata } from "@tus/server";
import { checkFiles, type FileInfo, fileInfoSchema, UploadError } from "@upkit/core";
import type { ResolvedProfile } from "../handler/resolve-profiles";
import { validateInput } from "../validate-input";

/** What an upload keeps in its tus metadata, on disk with it: all a restart needs to finish it. */
export interface UploadMetadata {
  filename: string;
  filetype: string;
  /** The validated input, as JSON; absent when there is none. */
  input?: string;
  profile: string;
  /** {@link ownerKey} of the creator. */
  owner: string;
}

/**
 * Checks a creation request before tus sees it: a fixed `Upload-Length` (a deferred one is
 * refused: the restrictions need the size), the metadata (`filename`, `filetype`, `input` as
 * JSON) and the declared facts against the restrictions. Returns the metadata to store.
 */
export async function readCreation(
  request: Request,
  profile: ResolvedProfile,
  owner: string,
): Promise<UploadMetadata> {
  if (request.headers.has("upload-defer-length")) {
    throw new UploadError("bad-request", "Deferred lengths are not accepted: send Upload-Length.");
  }
  const length = request.headers.get("upload-length")?.trim();
  if (!length || !/^\d{1,15}$/.test(length)) {
    throw new UploadError("bad-request", "Upload-Length (the file's byte count) is required.");
  }
  const sent = parseMetadata(request.headers.get("upload-metadata"));
  const file = fileInfo(sent.filename, Number(length), sent.filetype ?? "");
  const [rejection] = checkFiles(profile.restrictions, [file]);
  if (rejection) throw new UploadError(rejection.code, rejection.message);
  const input = await validateInput(profile.profile.input, parseInput(sent.input));
  return {
    filename: file.name,
    filetype: file.type,
    ...(input === undefined ? {} : { input: JSON.stringify(input) }),
    profile: profile.name,
    owner,
  };
}

function parseMetadata(header: string | null): Record<string, string | null> {
  try {
    return Metadata.parse(header ?? undefined);
  } catch {
    throw new UploadError("bad-request", "Upload-Metadata is malformed.");
  }
}

function fileInfo(name: string | null | undefined, size: number, type: string): FileInfo {
  const info = fileInfoSchema.safeParse({ name: name ?? "", size, type });
  if (!info.success)
    throw new UploadError("bad-request", `Invalid file: ${info.error.issues[0]?.message}`);
  return info.data;
}

function parseInput(text: string | null | undefined): unknown {
  if (text === undefined || text === null || text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UploadError("bad-request", "The input metadata is not valid JSON.");
  }
}
