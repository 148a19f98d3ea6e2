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

const metadataScalar = z.union([z.string(), z.number(), z.boolean()]);

/** A tag as `tags` takes it (also what AI tasks add or remove). */
const tagSchema = z
  .string()
  .trim()
  .min(1, "a tag may not be empty")
  .refine((tag) => !tag.includes(",") && !tag.includes("%"), "a tag may not contain , or %");

/** `min_selections` / `max_selections` of the selecting AI tasks. */
const selections = {
  min_selections: z.number().int().nonnegative().optional(),
  max_selections: z.number().int().positive().optional(),
};
const selectionsInOrder = (task: { min_selections?: number; max_selections?: number }) =>
  task.min_selections === undefined ||
  task.max_selections === undefined ||
  task.min_selections <= task.max_selections;

/** What a `yes_no` task does for one answer. */
export const aiTaskActionsSchema = z.object({
  add_tags: z.array(tagSchema).optional(),
  remove_tags: z.array(tagSchema).optional(),
  set_metadata: z
    .array(
      z.object({
        field: z.string().min(1),
        value: z.union([metadataScalar, z.array(metadataScalar)]),
      }),
    )
    .optional(),
  unset_metadata: z.array(z.object({ field: z.string().min(1) })).optional(),
});

const instruction = z.string().trim().min(1, "an AI task needs an instruction");

/**
 * One task of the `ai-tasks` extension (`@imagekit/nodejs` 7.11 `Shared.Extensions.AITasks`):
 * tags or a custom metadata value picked from a vocabulary, or a yes/no question with actions.
 */
export const aiTaskSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("select_tags"),
      instruction,
      vocabulary: z
        .array(tagSchema)
        .min(1)
        .refine((tags) => tags.join("").length <= 500, {
          message: "a select_tags vocabulary may have at most 500 characters in all",
        })
        .optional(),
      ...selections,
    })
    .refine(selectionsInOrder, { message: "min_selections may not exceed max_selections" }),
  z
    .object({
      type: z.literal("select_metadata"),
      instruction,
      /** A custom metadata field that exists in the account. */
      field: z.string().min(1),
      vocabulary: z.array(metadataScalar).min(1).optional(),
      ...selections,
    })
    .refine(selectionsInOrder, { message: "min_selections may not exceed max_selections" }),
  z
    .object({
      type: z.literal("yes_no"),
      instruction,
      on_yes: aiTaskActionsSchema.optional(),
      on_no: aiTaskActionsSchema.optional(),
      on_unknown: aiTaskActionsSchema.optional(),
    })
    .refine((task) => task.on_yes !== undefined || task.on_no !== undefined, {
      message: "a yes_no task needs on_yes, on_no or both",
    }),
]);

/**
 * An extension that runs (`@imagekit/nodejs` 7.11 `Shared.ExtensionConfig`): what a saved
 * extension holds, and every kind an upload's `extensions` takes but `saved-extension`.
 */
export const extensionConfigSchema = z.discriminatedUnion("name", [
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
  z.object({
    name: z.literal("ai-tasks"),
    // ImageKit's "AI Tasks" skill: "Each AI Task contains 1-10 sub-tasks".
    tasks: z
      .array(aiTaskSchema)
      .min(1, "ai-tasks needs a task")
      .max(10, "ai-tasks takes at most 10 tasks"),
  }),
]);

/** An item of `extensions`: an extension, or a saved extension by its id. */
export const extensionSchema = z.discriminatedUnion("name", [
  ...extensionConfigSchema.options,
  z.object({ name: z.literal("saved-extension"), id: z.string().trim().min(1) }),
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
export type ExtensionConfig = z.infer<typeof extensionConfigSchema>;
export type AITask = z.infer<typeof aiTaskSchema>;
export type AITaskActions = z.infer<typeof aiTaskActionsSchema>;
export type PostTransformation = z.infer<typeof postTransformationSchema>;
export type ResponseField = z.infer<typeof responseFieldSchema>;
