import type { StandardSchemaV1 } from "@standard-schema/spec";
import { UploadError } from "@upkit/core";

/** Runs a profile's input schema; a failure is a 400 listing each issue with its path. */
export async function validateInput<T>(
  schema: StandardSchemaV1<unknown, T> | undefined,
  value: unknown,
): Promise<T> {
  if (!schema) {
    if (value !== undefined && value !== null)
      throw new UploadError("invalid-input", "This profile takes no input.");
    return undefined as T;
  }
  const result = await schema["~standard"].validate(value);
  if (result.issues) {
    const issues = result.issues.map((issue) => ({
      path: (issue.path ?? [])
        .map((part) => (typeof part === "object" ? part.key : part))
        .join("."),
      message: issue.message,
    }));
    // zod's own messages start with "Invalid input: " already; said once, not twice.
    const summary = issues
      .map(({ path, message }) => {
        const text = message.replace(/^invalid input:\s*/i, "");
        return path ? `${path}: ${text}` : text;
      })
      .join("; ");
    throw new UploadError("invalid-input", `Invalid input: ${summary}`, { data: { issues } });
  }
  return result.value;
}
