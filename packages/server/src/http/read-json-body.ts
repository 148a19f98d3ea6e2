import { UploadError } from "@upkit/core";
import { readBodyText } from "./read-body-text";

const LIMIT = 256 * 1024;

/** A small JSON request body (sign, complete): capped, and a clear 400 when it is not JSON. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().includes("application/json")) {
    throw new UploadError("bad-request", "Expected a JSON body (content-type: application/json).");
  }
  const text = await readBodyText(request, LIMIT);
  try {
    return JSON.parse(text);
  } catch {
    throw new UploadError("bad-request", "The request body is not valid JSON.");
  }
}
