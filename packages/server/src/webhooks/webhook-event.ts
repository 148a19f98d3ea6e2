import { fileDetailsSchema, uploadResultSchema } from "@upkit/core";
import { z } from "zod";

/*
 * ImageKit's webhook events (its webhook docs and its "Pre and Post Transformation webhook
 * events" page; shapes from `@imagekit/nodejs` 7.11 `resources/webhooks.ts`, all twelve of its
 * `UnwrapWebhookEvent` types). Lenient on purpose: objects are loose (ImageKit adds fields), only the
 * fields an event is useless without are required, and an unknown type still parses, with its
 * `data` as `unknown`. A webhook we cannot read would be answered with an error and retried by
 * ImageKit for a day.
 */

/**
 * A string typed as the values ImageKit documents, read as any string: a value ImageKit adds
 * later must not make a genuine webhook fail (and be retried for a day).
 */
const documented = <T extends string>() => z.string() as z.ZodType<T | (string & {})>;

const requestIdSchema = { x_request_id: z.string() };
/** `encoding_failed` in ImageKit's examples. */
const reasonSchema = z.looseObject({ error: z.looseObject({ reason: z.string() }) });
/** The post-transformation as the upload asked for it (`transformation.post[]`). */
const postTransformationSchema = z.looseObject({
  type: documented<"transformation" | "abs" | "gif-to-video" | "thumbnail">(),
  value: z.string().optional(),
  /** `abs` only. */
  protocol: documented<"hls" | "dash">().optional(),
});
const videoRequestSchema = z.looseObject({
  ...requestIdSchema,
  url: z.string(),
  user_agent: z.string().optional(),
});
const videoDataSchema = z.looseObject({
  asset: z.looseObject({ url: z.string() }),
  transformation: z.looseObject({
    type: documented<"video-transformation" | "gif-to-video" | "video-thumbnail">(),
    options: z.record(z.string(), z.unknown()).optional(),
    /** `video.transformation.ready`. */
    output: z
      .looseObject({
        url: z.string(),
        video_metadata: z
          .looseObject({
            bitrate: z.number(),
            duration: z.number(),
            height: z.number(),
            width: z.number(),
          })
          .partial()
          .optional(),
      })
      .optional(),
    /** `video.transformation.error`. */
    error: z
      .looseObject({
        reason: documented<"encoding_failed" | "download_failed" | "internal_server_error">(),
      })
      .optional(),
  }),
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

/** `video.transformation.ready` also says how long the download and the encoding took (ms). */
const timingsSchema = z
  .looseObject({ download_duration: z.number(), encoding_duration: z.number() })
  .partial();

const noRequest = z.unknown();

export const knownWebhookEventSchema = z.discriminatedUnion("type", [
  envelope(
    "upload.pre-transform.success",
    // Every field optional in the official SDK's type: the upload response, sent once an image's
    // pre-transformation ran or a video's queued one (the upload answered 202) finished.
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
  envelope("video.transformation.ready", videoDataSchema, videoRequestSchema).extend({
    timings: timingsSchema.optional(),
  }),
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
