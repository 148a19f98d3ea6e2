import { z } from "zod";

const aiTagSchema = z.looseObject({ name: z.string(), confidence: z.number(), source: z.string() });

/** The types of ImageKit's custom metadata fields. */
export const CUSTOM_METADATA_FIELD_TYPES = [
  "Text",
  "Textarea",
  "Number",
  "Date",
  "Boolean",
  "SingleSelect",
  "MultiSelect",
] as const;
export type CustomMetadataFieldType = (typeof CUSTOM_METADATA_FIELD_TYPES)[number];

const metadataScalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * A custom metadata field's `schema` as ImageKit answers it (the fields API, and each entry of an
 * upload's `selectedFieldsSchema`): its type and the rules its values follow. `type` is read as
 * any string, so a type ImageKit adds later does not fail a finished upload; it is typed as the
 * documented ones.
 */
export const customMetadataFieldSchemaSchema = z.looseObject({
  type: z.string() as z.ZodType<CustomMetadataFieldType | (string & {})>,
  selectOptions: z.array(metadataScalar).optional(),
  /** Whether `selectOptions` was cut (at 100 options). */
  selectOptionsTruncated: z.boolean().optional(),
  defaultValue: z.union([metadataScalar, z.array(metadataScalar)]).optional(),
  isValueRequired: z.boolean().optional(),
  /** Numbers for `Number` fields, ISO 8601 strings for `Date` fields. */
  minValue: z.union([z.string(), z.number()]).optional(),
  maxValue: z.union([z.string(), z.number()]).optional(),
  minLength: z.number().optional(),
  maxLength: z.number().optional(),
  readOnly: z.boolean().optional(),
});
export type CustomMetadataFieldSchema = z.infer<typeof customMetadataFieldSchemaSchema>;

/** A custom metadata field (`/v1/customMetadataFields`): `description` only when one is set. */
export const customMetadataFieldSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  label: z.string(),
  schema: customMetadataFieldSchemaSchema,
  description: z.string().optional(),
});
export type CustomMetadataField = z.infer<typeof customMetadataFieldSchema>;

const extensionStatusValue = z.string() as z.ZodType<
  "success" | "pending" | "failed" | (string & {})
>;

/**
 * `extensionStatus`: each requested extension's status when the upload answered; `pending` ones
 * report their end to the upload's `webhookUrl`. A saved extension reports under the name of the
 * extension it holds.
 */
export const extensionStatusSchema = z.looseObject({
  "google-auto-tagging": extensionStatusValue.optional(),
  "aws-auto-tagging": extensionStatusValue.optional(),
  "remove-bg": extensionStatusValue.optional(),
  "ai-auto-description": extensionStatusValue.optional(),
  "ai-tasks": extensionStatusValue.optional(),
});
export type ExtensionStatus = z.infer<typeof extensionStatusSchema>;

/**
 * What ImageKit says of a stored file in both of its shapes, the upload response and the file
 * API's File object. Parsed leniently (`looseObject`): ImageKit adds fields over time, and an
 * unknown field must never turn a finished upload into an error.
 */
const storedFileSchema = z.looseObject({
  fileId: z.string(),
  name: z.string(),
  filePath: z.string(),
  url: z.string(),
  size: z.number(),
  fileType: z.string(),
  versionInfo: z.looseObject({ id: z.string(), name: z.string() }).optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  AITags: z.array(aiTagSchema).nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  customCoordinates: z.string().nullable().optional(),
  isPrivateFile: z.boolean().optional(),
  customMetadata: z.record(z.string(), z.unknown()).optional(),
  description: z.string().optional(),
});

/** ImageKit's upload response (some fields only when asked for through `responseFields`). */
export const uploadResultSchema = storedFileSchema.extend({
  thumbnailUrl: z.string().optional(),
  orientation: z.number().optional(),
  extensionStatus: extensionStatusSchema.optional(),
  // Videos.
  bitRate: z.number().optional(),
  duration: z.number().optional(),
  audioCodec: z.string().optional(),
  videoCodec: z.string().optional(),
  // Asked for through responseFields.
  isPublished: z.boolean().optional(),
  embeddedMetadata: z.record(z.string(), z.unknown()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /**
   * The schemas of the custom metadata fields that apply to the file's path, keyed by field name
   * (ImageKit sends it on plans with path policies).
   */
  selectedFieldsSchema: z.record(z.string(), customMetadataFieldSchemaSchema).optional(),
});

export type UploadResult = z.infer<typeof uploadResultSchema>;

/** The File object of ImageKit's file API (file details), as far as the kit reads it. */
export const fileDetailsSchema = storedFileSchema.extend({
  type: z.string().optional(),
  mime: z.string().optional(),
  thumbnail: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

export type FileDetails = z.infer<typeof fileDetailsSchema>;
