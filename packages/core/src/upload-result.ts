import { z } from "zod";

const aiTagSchema = z.looseObject({ name: z.string(), confidence: z.number(), source: z.string() });

/**
 * ImageKit's upload response. Parsed leniently (`looseObject`): ImageKit adds fields over time,
 * and an unknown field must never turn a finished upload into an error.
 */
export const uploadResultSchema = z.looseObject({
  fileId: z.string(),
  name: z.string(),
  filePath: z.string(),
  url: z.string(),
  size: z.number(),
  fileType: z.string(),
  versionInfo: z.looseObject({ id: z.string(), name: z.string() }).optional(),
  thumbnailUrl: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  orientation: z.number().optional(),
  AITags: z.array(aiTagSchema).nullable().optional(),
  extensionStatus: z.record(z.string(), z.string()).optional(),
  description: z.string().optional(),
  // Videos.
  bitRate: z.number().optional(),
  duration: z.number().optional(),
  audioCodec: z.string().optional(),
  videoCodec: z.string().optional(),
  // Asked for through responseFields.
  tags: z.array(z.string()).nullable().optional(),
  customCoordinates: z.string().nullable().optional(),
  isPrivateFile: z.boolean().optional(),
  isPublished: z.boolean().optional(),
  customMetadata: z.record(z.string(), z.unknown()).optional(),
  embeddedMetadata: z.record(z.string(), z.unknown()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  selectedFieldsSchema: z.record(z.string(), z.unknown()).optional(),
});

export type UploadResult = z.infer<typeof uploadResultSchema>;

/** The File object of ImageKit's file API (file details), as far as the kit reads it. */
export const fileDetailsSchema = z.looseObject({
  fileId: z.string(),
  name: z.string(),
  filePath: z.string(),
  url: z.string(),
  size: z.number(),
  fileType: z.string(),
  type: z.string().optional(),
  mime: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  thumbnail: z.string().optional(),
  tags: z.array(z.string()).nullable().optional(),
  AITags: z.array(aiTagSchema).nullable().optional(),
  isPrivateFile: z.boolean().optional(),
  customCoordinates: z.string().nullable().optional(),
  customMetadata: z.record(z.string(), z.unknown()).optional(),
  versionInfo: z.looseObject({ id: z.string(), name: z.string() }).optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

export type FileDetails = z.infer<typeof fileDetailsSchema>;
