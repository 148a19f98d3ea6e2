export { UploadError } from "@upkit/core";
export {
  createUploadHandler,
  type RequestContext,
  type UploadHandler,
  type UploadHandlerConfig,
} from "./create-upload-handler";
export { createImageKitClient } from "./imagekit/create-imagekit-client";
export type {
  CreateCustomMetadataFieldInput,
  CustomMetadataFieldSchemaInput,
  FolderDetails,
  ImageKitClient,
  ListCustomMetadataFieldsQuery,
  ListedAsset,
  ListFilesQuery,
  ListFilesSort,
  QueuedUpload,
  UpdateCustomMetadataFieldInput,
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
export type { TrustProxy } from "./rate-limiter";
export type { SigningScheme } from "./signing/sign-upload";
export { createMemoryStore, type MemoryStoreOptions } from "./state/memory-store";
export type { SharedState, StateStore } from "./state/state-store";
export { StateUnavailableError } from "./state/state-unavailable";
export { RESULT_HEADER as TUS_RESULT_HEADER } from "./tus/create-tus-service";
export {
  DEFAULT_TUS_DIRECTORY,
  DEFAULT_TUS_EXPIRES_IN,
  RECOMMENDED_TUS_CHUNK_SIZE,
  type ReadableDataStore,
  type TusOptions,
} from "./tus/tus-options";
export { verifyWebhook } from "./webhooks/verify-webhook";
export {
  isKnownWebhookEvent,
  type KnownWebhookEvent,
  type WebhookEvent,
  type WebhookEventType,
} from "./webhooks/webhook-event";
