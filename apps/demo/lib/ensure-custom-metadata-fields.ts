import { createImageKitClient, type ImageKitClient, type ImageKitConfig } from "@upkit/server";
import type { CustomMetadataFieldDefinition } from "./gallery-metadata-fields";

/**
 * Makes sure the ImageKit account defines these custom metadata fields, creating the missing
 * ones through the server package's ImageKit client (its custom metadata fields API, which the
 * emulator implements too; retried like every call). Idempotent: a field that exists with the
 * same name and type is left as it is, so running it on every start, or on several servers at
 * once, is safe. Fails with an `Error` whose message says which field and what ImageKit
 * answered; never with the private key.
 */
export async function ensureCustomMetadataFields(
  imagekit: ImageKitConfig,
  fields: readonly CustomMetadataFieldDefinition[],
  client: ImageKitClient = createImageKitClient(imagekit),
): Promise<void> {
  const list = () =>
    client.listCustomMetadataFields().catch((error: Error) => {
      throw new Error(
        `The custom metadata fields could not be listed in ImageKit: ${error.message}`,
      );
    });
  const check = (field: CustomMetadataFieldDefinition, type: string) => {
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
      check(field, found.schema.type);
      continue;
    }
    try {
      await client.createCustomMetadataField(field);
    } catch (error) {
      // Another server instance may have just created it: then it is there now.
      const now = (await list()).find((candidate) => candidate.name === field.name);
      if (now) {
        check(field, now.schema.type);
        continue;
      }
      const message = (error as Error).message;
      const hint = message.includes("name already exists")
        ? " ImageKit keeps the names of deleted fields: use another name."
        : "";
      throw new Error(
        `The custom metadata field "${field.name}" could not be created in ImageKit: ${message}.${hint}`,
      );
    }
  }
}
