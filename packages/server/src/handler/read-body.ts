import { UploadError } from "@upkit/core";
import { readJsonBody } from "../http/read-json-body";

interface Schema<T> {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
}

/** A JSON body checked against its protocol schema; a mismatch is a 400 naming the first issue. */
export async function readBody<T>(request: Request, schema: Schema<T>, action: string): Promise<T> {
  const body = schema.safeParse(await readJsonBody(request));
  if (!body.success) {
    throw new UploadError(
      "bad-request",
      `Invalid ${action} request: ${body.error.issues[0]?.message}`,
    );
  }
  return body.data;
}
