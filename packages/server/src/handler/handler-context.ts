import type { ConfigResponse } from "@upkit/core";
import type { UploadHandlerConfig } from "../create-upload-handler";
import { createImageKitClient } from "../imagekit/create-imagekit-client";
import type { ImageKitClient } from "../imagekit/imagekit-client-types";
import { type ImageKitConfig, readImageKitConfig } from "../imagekit/imagekit-config";
import { ProcessingTracker } from "../processing-tracker";
import type { AnyProfile } from "../profile";
import type { TrustProxy } from "../rate-limiter";
import type { SigningScheme } from "../signing/sign-upload";
import { createMemoryStore } from "../state/memory-store";
import type { StateStore } from "../state/state-store";
import { createTusService, type TusService } from "../tus/create-tus-service";
import { publicConfig, type ResolvedProfile, resolveProfiles } from "./resolve-profiles";

/** The configuration, read and checked once, and the state the routes share. */
export interface HandlerContext {
  imagekit: ImageKitConfig;
  client: ImageKitClient;
  /** `/api/upload` form: one leading slash, none trailing. */
  basePath: string;
  signing: SigningScheme;
  expiresIn: number;
  store: StateStore;
  tracker: ProcessingTracker;
  trustProxy: TrustProxy;
  webhook: UploadHandlerConfig<Record<string, AnyProfile>>["webhook"];
  onError: (error: unknown) => void;
  profiles: Map<string, ResolvedProfile>;
  /** The body of `GET config`, computed once. */
  publicConfig: ConfigResponse;
  /** Resumable uploads: present when a profile allows the `tus` transport. */
  tus: TusService | undefined;
}

/** Reads the configuration; a missing key, a bad option or profile throws here, at start. */
export function createHandlerContext(
  config: UploadHandlerConfig<Record<string, AnyProfile>>,
): HandlerContext {
  const imagekit = readImageKitConfig(config.imagekit);
  const client = config.client ?? createImageKitClient(imagekit);
  const basePath = `/${(config.basePath ?? "/api/upload").replace(/^\/+|\/+$/g, "")}`;
  const expiresIn = config.expiresIn ?? 300;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 3600) {
    throw new Error(
      "expiresIn must be a whole number of seconds from 1 to 3600 (ImageKit's limit)",
    );
  }
  const profiles = resolveProfiles(config.profiles);
  const onError = config.onError ?? ((error: unknown) => console.error("upkit:", error));
  const usesTus = [...profiles.values()].some((p) => p.transports.includes("tus"));
  const store = config.store ?? createMemoryStore();
  return {
    imagekit,
    client,
    basePath,
    signing: config.signing ?? "v2",
    expiresIn,
    store,
    tracker: new ProcessingTracker(),
    trustProxy: config.trustProxy ?? false,
    webhook: config.webhook,
    onError,
    profiles,
    publicConfig: publicConfig(profiles),
    tus: usesTus ? createTusService(config.tus ?? {}, { store, onError }) : undefined,
  };
}
