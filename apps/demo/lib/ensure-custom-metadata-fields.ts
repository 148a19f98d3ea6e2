import type { ImageKitConfig } from "@upkit/server";
import type { CustomMetadataFieldDefinition } from "./gallery-metadata-fields";

interface ExistingField {
  name: string;
  schema?: { type?: string };
}

/**
 * Makes sure the ImageKit account defines these custom metadata fields, creating the missing
 * ones through ImageKit's custom metadata fields API (the emulator implements the same API).
 * Idempotent: a field that exists with the same name and type is left as it is, so running it on
 * every start, or on several servers at once, is safe. Fails with an `Error` whose message says
 * which field and what ImageKit answered; never with the private key.
 */
export async function ensureCustomMetadataFields(
  imagekit: Pick<ImageKitConfig, "apiEndpoint" | "privateKey">,
  fields: readonly CustomMetadataFieldDefinition[],
  fetchFn: typeof fetch = fetch,
): Promise<void> {
  const endpoint = `${imagekit.apiEndpoint}/v1/customMetadataFields`;
  const authorization = `Basic ${btoa(`${imagekit.privateKey}:`)}`;
  // ImageKit's messages do not echo the key; this keeps it that way whatever a proxy answers.
  const redact = (text: string) => text.split(imagekit.privateKey).join("[redacted]");

  async function call(method: "GET" | "POST", body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetchFn(endpoint, {
        method,
        headers: {
          authorization,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new Error(`no answer from ${endpoint} (${redact(String((error as Error).message))})`);
    }
    const payload = (await response.json().catch(() => undefined)) as
      | { message?: unknown }
      | undefined;
    if (!response.ok) {
      const message = typeof payload?.message === "string" ? payload.message : "no message";
      throw new ImageKitAnswer(response.status, redact(message));
    }
    return payload;
  }

  const list = async (): Promise<ExistingField[]> => {
    let fields: unknown;
    try {
      fields = await call("GET");
    } catch (error) {
      throw new Error(
        `The custom metadata fields could not be listed in ImageKit: ${(error as Error).message}`,
      );
    }
    if (!Array.isArray(fields))
      throw new Error(`The custom metadata fields could not be listed: ${endpoint} sent no list`);
    return fields as ExistingField[];
  };

  const check = (field: CustomMetadataFieldDefinition, existing: ExistingField) => {
    const type = existing.schema?.type ?? "";
    // The API takes `TextArea` and answers `Textarea`: the same type.
    if (type.toLowerCase() !== field.schema.type.toLowerCase()) {
      throw new Error(
        `The custom metadata field "${field.name}" exists in ImageKit as ${type || "an unknown type"}, but the demo writes ${field.schema.type} values: change or rename it.`,
      );
    }
  };

  const existing = await list();
  for (const field of fields) {
    const found = existing.find((candidate) => candidate.name === field.name);
    if (found) {
      check(field, found);
      continue;
    }
    try {
      await call("POST", field);
    } catch (error) {
      // Another server instance may have just created it: then it is there now.
      const now = (await list()).find((candidate) => candidate.name === field.name);
      if (now) {
        check(field, now);
        continue;
      }
      const answer = error instanceof ImageKitAnswer ? error : undefined;
      const hint = answer?.message.includes("name already exists")
        ? " ImageKit keeps the names of deleted fields: use another name."
        : "";
      throw new Error(
        `The custom metadata field "${field.name}" could not be created in ImageKit: ${(error as Error).message}.${hint}`,
      );
    }
  }
}

/** A non-2xx answer of ImageKit's API, with its message. */
class ImageKitAnswer extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`${message} (HTTP ${status})`);
  }
}
