import { z } from "zod";

/**
 * ImageKit's upload options, typed the way a TypeScript user writes them. `toImageKitFields`
 * turns them into the strings ImageKit's form (and a v2 JWT's claims) carry. Every rule here is
 * ImageKit's documented one, so a bad option fails on our side with a clear message instead of
 * as a 400 from ImageKit.
 */

/** Documented: letters, marks and numbers of any script, `/`, `_` and `-`; at most 50 levels. */
export const folderSchema = z
  .string()
  .transform((folder) => {
    const segments = folder.split("/").filter((segment) => segment !== "");
    return segments.length === 0 ? "/" : `/${segments.join("/")}/`;
  })
  .refine((folder) => /^[\p{L}\p{M}\p{N}/_-]*$/u.test(folder), {
    message: "folder may contain only letters, digits, /, _ and -",
  })
  .refine((folder) => folder.split("/").filter(Boolean).length <= 50, {
    message: "folder may be at most 50 levels deep",
  });

export const tagsSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1, "a tag may not be empty")
      .refine((tag) => !tag.includes(","), "a tag may not contain a comma"),
  )
  .refine((tags) => tags.every((tag) => !tag.includes("%")), { message: "tags may not contain %" })
  .refine((tags) => tags.join("").length <= 500, {
    message: "tags may have at most 500 characters in all",
  });

export const customCoordinatesSchema = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

export const RESPONSE_FIELDS = [
  "tags",
  "customCoordinates",
  "isPrivateFile",
  "embeddedMetadata",
  "isPublished",
  "customMetadata",
  "metadata",
  "selectedFieldsSchema",
] as const;
export const responseFieldSchema = z.enum(RESPONSE_FIELDS);

export const extensionSchema = z.discriminatedUnion("name", [
  z.object({
    name: z.literal("remove-bg"),
    options: z
      .object({
        add_shadow: z.boolean().optional(),
        bg_color: z.string().optional(),
        bg_image_url: z.url().optional(),
        semitransparency: z.boolean().optional(),
      })
      .optional(),
  }),
  z.object({
    name: z.enum(["google-auto-tagging", "aws-auto-tagging"]),
    maxTags: z.number().int().positive(),
    minConfidence: z.number().min(0).max(100),
  }),
  z.object({ name: z.literal("ai-auto-description") }),
]);

/** A transformation string in ImageKit's URL syntax, e.g. `w-300,h-300` or `w-400:rt-90`. */
const transformationString = z
  .string()
  .trim()
  .min(1, "a transformation may not be empty")
  .regex(/^[A-Za-z0-9_.,:-]+$/, "a transformation is written like w-300,h-300");

export const postTransformationSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("transformation"), value: transformationString }),
  z.object({ type: z.literal("gif-to-video"), value: transformationString.optional() }),
  z.object({ type: z.literal("thumbnail"), value: transformationString.optional() }),
  z.object({
    type: z.literal("abs"),
    value: transformationString,
    protocol: z.enum(["hls", "dash"]),
  }),
]);

export const transformationSchema = z
  .object({
    pre: transformationString.optional(),
    post: z.array(postTransformationSchema).optional(),
  })
  .refine((t) => t.pre !== undefined || t.post !== undefined, {
    message: "a transformation needs pre, post or both",
  });

/** Custom metadata values: keys are fields defined in ImageKit, values their scalar or list values. */
export const customMetadataSchema = z.record(
  z.string().min(1),
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.array(z.union([z.string(), z.number(), z.boolean()])),
  ]),
);

export const uploadOptionsSchema = z.object({
  fileName: z.string().trim().min(1, "fileName may not be empty").max(1024).optional(),
  useUniqueFileName: z.boolean().optional(),
  tags: tagsSchema.optional(),
  folder: folderSchema.optional(),
  isPrivateFile: z.boolean().optional(),
  isPublished: z.boolean().optional(),
  customCoordinates: customCoordinatesSchema.optional(),
  responseFields: z.array(responseFieldSchema).optional(),
  extensions: z.array(extensionSchema).optional(),
  webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  overwriteFile: z.boolean().optional(),
  overwriteAITags: z.boolean().optional(),
  overwriteTags: z.boolean().optional(),
  overwriteCustomMetadata: z.boolean().optional(),
  customMetadata: customMetadataSchema.optional(),
  transformation: transformationSchema.optional(),
  checks: z.string().min(1).optional(),
  description: z.string().max(1024).optional(),
});

/** What a profile's `options()` returns (input: before defaults and normalisation). */
export type UploadOptions = z.input<typeof uploadOptionsSchema>;
/** After validation: folder normalised, tags trimmed. */
export type ResolvedUploadOptions = z.output<typeof uploadOptionsSchema>;
export type Extension = z.infer<typeof extensionSchema>;
export type PostTransformation = z.infer<typeof postTransformationSchema>;
export type ResponseField = z.infer<typeof responseFieldSchema>;
