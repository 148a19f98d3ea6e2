import { UploadError } from "../upload-error";
import { expectShape, fetchJson } from "./fetch-json";
import { isCompleteResponse, isSignResponse } from "./response-guards";
import type { UploadTransport } from "./uploader-types";
import { fileBytesSent, type XhrResponse, xhrRequest } from "./xhr-request";

/**
 * Direct upload: the route signs the file (`POST {base}/{profile}/sign`), the browser sends the
 * bytes straight to ImageKit, then the route verifies the stored file
 * (`POST {base}/{profile}/complete`). All three steps form one attempt, because a signature and
 * its completion token are single use: a retry signs again.
 */
export function createDirectTransport(): UploadTransport {
  return {
    name: "direct",
    canResume: false,
    async upload(context) {
      const { file, profile, input, signal, onProgress, endpoint, fetch } = context;
      const base = `${endpoint}/${encodeURIComponent(profile)}`;

      const signUrl = `${base}/sign`;
      const signBody = await fetchJson(fetch, signUrl, {
        method: "POST",
        body: { files: [{ name: file.name, size: file.size, type: file.type }], input },
        signal,
      });
      const signed = expectShape(isSignResponse, signBody, signUrl).files[0];
      if (!signed) throw new UploadError("bad-request", `No signature in the answer of ${signUrl}`);

      // ImageKit reads the fields before the file, and `file` must be the last part.
      const form = new FormData();
      for (const [name, value] of Object.entries(signed.fields)) form.append(name, value);
      form.append("file", file, file.name);
      const response = await xhrRequest({
        url: signed.uploadUrl,
        body: form,
        signal,
        onProgress: (loaded, total) => onProgress(fileBytesSent(loaded, total, file.size)),
      });
      if (response.status < 200 || response.status >= 300) throw imageKitError(response);
      if (response.status === 202) {
        // Queued (a video's pre-transformation): no file yet, the route looks for it.
        const { waitForQueued } = await import("./wait-for-queued");
        return waitForQueued({ state: "queued", completionToken: signed.completionToken }, context);
      }
      const fileId = (response.body as { fileId?: unknown } | null)?.fileId;
      if (typeof fileId !== "string" || fileId === "") {
        throw new UploadError("bad-request", "ImageKit's answer has no fileId", {
          data: { body: response.body },
        });
      }

      const completeUrl = `${base}/complete`;
      const completeBody = await fetchJson(fetch, completeUrl, {
        method: "POST",
        body: { fileId, completionToken: signed.completionToken, input },
        signal,
      });
      const completed = expectShape(isCompleteResponse, completeBody, completeUrl);
      return {
        result: completed.file,
        data: completed.data,
        ...(completed.processing ? { processing: completed.processing } : {}),
      };
    },
  };
}

/** ImageKit answers errors as `{ message, help }`, not with our `{ error: { code } }` shape. */
function imageKitError({ status, body, headers }: XhrResponse): UploadError {
  const message = (body as { message?: unknown } | null)?.message;
  const detail = typeof message === "string" && message !== "" ? message : undefined;
  const data = { status, ...(detail === undefined ? {} : { message: detail }) };
  if (status === 429) {
    return new UploadError("rate-limited", detail ?? "ImageKit is rate limiting uploads", {
      data,
      retryAfter: headers.retryAfter,
    });
  }
  if (status >= 500) {
    return new UploadError("upstream-error", detail ?? `ImageKit failed with status ${status}`, {
      data,
      retryAfter: headers.retryAfter,
    });
  }
  return new UploadError("upload-failed", detail ?? `ImageKit refused the upload (${status})`, {
    data,
  });
}
