import { fileDetailsSchema, uploadResultSchema } from "@upkit/core";
import { z } from "zod";

/*
 * ImageKit's webhook events (its webhook docs; shapes from `@imagekit/nodejs` 7.x
 * `resources/webhooks.ts`). Lenient on purpose: objects are loose (ImageKit adds fields), only the
 * fields an event is useless without are required, and an unknown type still parses, with its
 * `data` as `unknown`. A webhook we cannot read would be answered with an error and retried by
 * ImageKit for a day.
 */

const requestIdSchema = { x_request_id: z.string() };
const reasonSchema = z.looseObject({ error: z.looseObject({ reason: z.string() }) });
const postTransformationSchema = z.looseObject({
  type: z.string(),
  value: z.string().optional(),
  protocol: z.string().optional(),
});
const videoRequestSchema = z.looseObject({
  ...requestIdSchema,
  url: z.string(),
  user_agent: z.string().optional(),
});
const videoDataSchema = z.looseObject({
  asset: z.looseObject({ url: z.string() }),
  transformation: z.looseObject({
    type: z.string(),
    options: z.record(z.string(), z.unknown()).optional(),
    output: z
      .looseObject({
        url: z.string(),
        video_metadata: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    error: z.looseObject({ reason: z.string() }).optional(),
  }),
  timings: z.record(z.string(), z.unknown()).optional(),
});
/** `file.*` events carry the File object, as the file details API returns it. */
const fileObjectSchema = fileDetailsSchema.partial().required({ fileId: true });

const envelope = <Type extends string, Data extends z.ZodType, Request extends z.ZodType>(
  type: Type,
  data: Data,
  request: Request,
) =>
  z.looseObject({
    id: z.string(),
    type: z.literal(type),
    created_at: z.string(),
    data,
    request: request.optional(),
  });

const noRequest = z.unknown();

export const knownWebhookEventSchema = z.discriminatedUnion("type", [
  envelope(
    "upload.pre-transform.success",
    // Every field optional in the official SDK's type: the upload response of a queued upload.
    uploadResultSchema.partial(),
    z.looseObject({ ...requestIdSchema, transformation: z.string() }),
  ),
  envelope(
    "upload.pre-transform.error",
    z.looseObject({ name: z.string(), path: z.string(), transformation: reasonSchema }),
    z.looseObject({ ...requestIdSchema, transformation: z.string() }),
  ),
  envelope(
    "upload.post-transform.success",
    z.looseObject({ fileId: z.string(), name: z.string(), url: z.string() }),
    z.looseObject({ ...requestIdSchema, transformation: postTransformationSchema }),
  ),
  envelope(
    "upload.post-transform.error",
    z.looseObject({
      fileId: z.string(),
      name: z.string(),
      path: z.string(),
      url: z.string(),
      transformation: reasonSchema,
    }),
    z.looseObject({ ...requestIdSchema, transformation: postTransformationSchema }),
  ),
  envelope("file.created", fileObjectSchema, noRequest),
  envelope("file.updated", fileObjectSchema, noRequest),
  envelope("file.deleted", z.looseObject({ fileId: z.string() }), noRequest),
  envelope("file-version.created", fileObjectSchema, noRequest),
  envelope(
    "file-version.deleted",
    z.looseObject({ fileId: z.string(), versionId: z.string() }),
    noRequest,
  ),
  envelope("video.transformation.accepted", videoDataSchema, videoRequestSchema),
  envelope("video.transformation.ready", videoDataSchema, videoRequestSchema),
  envelope("video.transformation.error", videoDataSchema, videoRequestSchema),
]);

/** An event of a documented type, its `data` typed by `type`. */
export type KnownWebhookEvent = z.infer<typeof knownWebhookEventSchema>;
export type WebhookEventType = KnownWebhookEvent["type"];

export const WEBHOOK_EVENT_TYPES = knownWebhookEventSchema.options.map(
  (option) => option.shape.type.value,
) as WebhookEventType[];

const isKnownType = (type: string): type is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as string[]).includes(type);

/**
 * An event of a type this version does not know (ImageKit adds types): verified and passed on,
 * its `data` left `unknown`. A known type with a malformed body does not fall back to this.
 */
export const unknownWebhookEventSchema = z.looseObject({
  id: z.string(),
  type: z.string().refine((type) => !isKnownType(type), "a known event type"),
  created_at: z.string(),
  data: z.unknown(),
  request: z.unknown().optional(),
});
export type UnknownWebhookEvent = z.infer<typeof unknownWebhookEventSchema>;

/**
 * Every event `verifyWebhook` returns. `event.type === "file.created"` alone does not narrow
 * `data` (the unknown variant's `type` is any string); narrow with `isKnownWebhookEvent` first.
 */
export type WebhookEvent = KnownWebhookEvent | UnknownWebhookEvent;

export const webhookEventSchema: z.ZodType<WebhookEvent> = z.union([
  knownWebhookEventSchema,
  unknownWebhookEventSchema,
]);

export function isKnownWebhookEvent(event: WebhookEvent): event is KnownWebhookEvent {
  return isKnownType(event.type);
}
