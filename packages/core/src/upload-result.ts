import { z } from "zod";

const aiTagSchema = z.looseObject({ name: z.string(), confidence: z.number(), source: z.string() });

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
  extensionStatus: z.record(z.string(), z.string()).optional(),
  // Videos.
  bitRate: z.number().optional(),
  duration: z.number().optional(),
  audioCodec: z.string().optional(),
  videoCodec: z.string().optional(),
  // Asked for through responseFields.
  isPublished: z.boolean().optional(),
  embeddedMetadata: z.record(z.string(), z.unknown()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  selectedFieldsSchema: z.record(z.string(), z.unknown()).optional(),
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
