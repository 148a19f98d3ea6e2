import type { ConfigResponse } from "@upkit/core";
import type { UploadHandlerConfig } from "../create-upload-handler";
import { createImageKitClient } from "../imagekit/create-imagekit-client";
import type { ImageKitClient } from "../imagekit/imagekit-client-types";
import { type ImageKitConfig, lazyImageKitConfig } from "../imagekit/imagekit-config";
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
  /** Read on first use (the handler's `checkConfig()`, run on each request): builds need no keys. */
  readonly imagekit: ImageKitConfig;
  readonly client: ImageKitClient;
  /** Reads and checks the ImageKit keys; throws, naming the variable, when one is missing or bad. */
  checkConfig(): void;
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

/**
 * Reads the configuration; a bad option or profile throws here, at start. The ImageKit keys are
 * the exception: they are read at the first request (see `lazyImageKitConfig`).
 */
export function createHandlerContext(
  config: UploadHandlerConfig<Record<string, AnyProfile>>,
): HandlerContext {
  const imagekit = lazyImageKitConfig(config.imagekit);
  let client = config.client;
  const basePath = `/${(config.basePath ?? "/api/upload").replace(/^\/+|\/+$/g, "")}`;
  const expiresIn = config.expiresIn ?? 300;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 3600) {
    throw new Error(
      "expiresIn must be a whole number of seconds from 1 to 3600 (ImageKit's limit)",
    );
  }
  const store = config.state ?? createMemoryStore();
  const profiles = resolveProfiles(config.profiles, store);
  const onError = config.onError ?? ((error: unknown) => console.error("upkit:", error));
  const usesTus = [...profiles.values()].some((p) => p.transports.includes("tus"));
  return {
    get imagekit() {
      return imagekit();
    },
    get client() {
      client ??= createImageKitClient(imagekit());
      return client;
    },
    checkConfig: () => {
      imagekit();
    },
    basePath,
    signing: config.signing ?? "v2",
    expiresIn,
    store,
    tracker: new ProcessingTracker(store),
    trustProxy: config.trustProxy ?? false,
    webhook: config.webhook,
    onError,
    profiles,
    publicConfig: publicConfig(profiles),
    tus: usesTus ? createTusService(config.tus ?? {}, { store, onError }, config.state) : undefined,
  };
}
