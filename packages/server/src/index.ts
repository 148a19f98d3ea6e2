export { UploadError } from "@upkit/core";
export {
  createUploadHandler,
  type UploadHandler,
  type UploadHandlerConfig,
} from "./create-upload-handler";
export { createImageKitClient } from "./imagekit/create-imagekit-client";
export type {
  ImageKitClient,
  ListFilesQuery,
  UploadSource,
} from "./imagekit/imagekit-client-types";
export { type ImageKitConfig, readImageKitConfig } from "./imagekit/imagekit-config";
export type { CompletionDataOf, InputOf, ProfileName, ProfilesOf } from "./infer";
export {
  type AnyProfile,
  defineProfile,
  type Profile,
  type ProfileData,
  type ProfileInput,
  type RateLimit,
} from "./profile";
export type { SigningScheme } from "./signing/sign-upload";
export { verifyWebhook } from "./webhooks/verify-webhook";
export {
  isKnownWebhookEvent,
  type KnownWebhookEvent,
  type WebhookEvent,
} from "./webhooks/webhook-event";
