import { UploadError } from "@upkit/core";
import { expect, it } from "vitest";
import { z } from "zod";
import { validateInput } from "../src/validate-input";

const schema = z.object({ alt: z.string(), tags: z.array(z.string()).optional() });

async function messageOf(value: unknown): Promise<string> {
  const error = await validateInput(schema, value).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UploadError);
  expect((error as UploadError).code).toBe("invalid-input");
  return (error as UploadError).message;
}

it("says 'Invalid input' once, though zod's messages start with it too", async () => {
  // A required input the browser did not send.
  expect(await messageOf(undefined)).toBe("Invalid input: expected object, received undefined");
  expect(await messageOf({ alt: 1, tags: [2] })).toBe(
    "Invalid input: alt: expected string, received number; tags.0: expected string, received number",
  );
});

it("keeps each issue as the schema wrote it in data.issues", async () => {
  const error = await validateInput(schema, { alt: 1 }).catch((thrown: UploadError) => thrown);
  expect((error as UploadError).data).toEqual({
    issues: [{ path: "alt", message: "Invalid input: expected string, received number" }],
  });
});
