import type { CreateCustomMetadataFieldInput } from "@upkit/server";

/**
 * The custom metadata fields the gallery writes. ImageKit refuses an upload whose
 * `customMetadata` names a field the account does not define, so the server creates these on
 * first use (`ensureCustomMetadataFields`). No secrets here: the gallery reads the labels too.
 */
export const GALLERY_METADATA_FIELDS = [
  { name: "caption", label: "Caption", schema: { type: "Text", maxLength: 200 } },
  { name: "rating", label: "Rating", schema: { type: "Number", minValue: 1, maxValue: 5 } },
] as const satisfies readonly CustomMetadataFieldDefinition[];

/** A field as ImageKit's custom metadata fields API takes it (`POST /v1/customMetadataFields`). */
export type CustomMetadataFieldDefinition = CreateCustomMetadataFieldInput;
