import { type CompleteResponse, UploadError } from "@upkit/core";
import type { StateStore } from "./state/state-store";

interface Record {
  fileId: string;
  /** The answer, once `onUploadComplete` ran; absent while the completion is running. */
  response?: CompleteResponse;
}

/**
 * Makes a completion token complete once: the first call with a file claims the token for that
 * file; a repeat with the same file gets the same answer (and `onUploadComplete` does not run
 * again); any other file is a 409. The record lives in the handler's store until the token
 * expires, so with a shared store this holds across server instances.
 */
export function createCompletionRecord(
  store: StateStore,
  uploadId: string,
  fileId: string,
  tokenExpiresAt: number,
) {
  const key = `upkit:completion:${uploadId}`;
  const ttlMs = () => Math.max(1000, tokenExpiresAt * 1000 - Date.now());

  /** The earlier answer for this file, if any; throws when the token is spent elsewhere. */
  const answerOf = (raw: string): CompleteResponse | undefined => {
    const record = JSON.parse(raw) as Record;
    if (record.fileId !== fileId) {
      throw new UploadError("conflict", "This upload was already completed with another file.");
    }
    if (!record.response) {
      throw new UploadError("conflict", "This upload is being completed right now.", {
        retryAfter: 1,
      });
    }
    return record.response;
  };

  return {
    /** The answer given before for this token and file, if it was completed already. */
    async previous(): Promise<CompleteResponse | undefined> {
      const raw = await store.get(key);
      return raw === undefined ? undefined : answerOf(raw);
    },
    /** Claims the token for this file; returns the earlier answer when another call got there first. */
    async claim(): Promise<CompleteResponse | undefined> {
      const record: Record = { fileId };
      if (await store.setIfAbsent(key, JSON.stringify(record), ttlMs())) return undefined;
      const raw = await store.get(key);
      // Released in between (the other call failed): the claim may be tried again by the client.
      if (raw === undefined) throw new UploadError("conflict", "Try completing again.");
      return answerOf(raw);
    },
    async done(response: CompleteResponse): Promise<void> {
      await store.set(key, JSON.stringify({ fileId, response } satisfies Record), ttlMs());
    },
    /** After a failure: the token may complete again (the browser retries). */
    async release(): Promise<void> {
      await store.delete(key);
    },
  };
}
