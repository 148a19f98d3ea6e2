import { type HandlerContract, UploadError } from "@upkit/core";
import { createHandlerContext } from "./handler/handler-context";
import { errorResponse } from "./http/responses";
import type { ImageKitClient } from "./imagekit/imagekit-client-types";
import type { ImageKitConfig } from "./imagekit/imagekit-config";
import type { ProfileContractsOf } from "./infer";
import type { AnyProfile } from "./profile";
import type { TrustProxy } from "./rate-limiter";
import { routeRequest } from "./routes/route-table";
import type { SigningScheme } from "./signing/sign-upload";
import type { SharedState } from "./state/state-store";
import { StateUnavailableError } from "./state/state-unavailable";
import type { TusOptions } from "./tus/tus-options";
import type { WebhookEvent } from "./webhooks/webhook-event";

export interface UploadHandlerConfig<TProfiles extends Record<string, AnyProfile>> {
  /** ImageKit account; each field falls back to its `IMAGEKIT_*` environment variable. */
  imagekit?: Partial<ImageKitConfig>;
  profiles: TProfiles;
  /** Where the route is mounted (a catch-all). Default `/api/upload`. */
  basePath?: string;
  /** `v2` (default): a JWT binding every option; `v1`: ImageKit's token + expire signature. */
  signing?: SigningScheme;
  /** Lifetime of a direct-upload signature in seconds: at most 3600; default 300. */
  expiresIn?: number;
  webhook?: {
    /** Default `IMAGEKIT_WEBHOOK_SECRET`. */
    secret?: string;
    onWebhook: (event: WebhookEvent, request: Request) => void | Promise<void>;
    /** Oldest accepted webhook timestamp, seconds. Default 300. */
    toleranceSeconds?: number;
  };
  /**
   * Whether to read the client's address from `X-Forwarded-For` (for the default rate-limit key).
   * Set it only behind a proxy or platform that writes that header: `true` (one proxy) or the
   * number of proxies in front. Default `false`: the header is the client's to forge.
   */
  trustProxy?: TrustProxy;
  /**
   * What the handler remembers between requests: used completion tokens, delivered webhooks,
   * rate-limit counts, post-transformation progress, tus results and forwards. Default: this
   * process's memory. Behind several instances, one shared state for all of them:
   * `redisState({ url })` from `@upkit/server/redis` (which also shares tus's lock and upload
   * metadata). See the README's "Deploying".
   */
  state?: SharedState;
  /**
   * Resumable uploads (profiles with `transports: ["tus"]`): where incomplete uploads wait, and
   * for how long. See the README's "Resumable uploads (tus)".
   */
  tus?: TusOptions;
  /** Where unexpected errors are reported (never with the private key). Default `console.error`. */
  onError?: (error: unknown) => void;
  /** For tests: the ImageKit client to use instead of one built from `imagekit`. */
  client?: ImageKitClient;
}

/**
 * The route handler, with the profiles' types kept for the client (a type-only import). Both
 * properties exist in types only: the brand from `@upkit/core` is what a client binding reads
 * (`createUploadComponents<typeof uploads>()`), so its published types never name this package;
 * `$profiles` keeps the profiles whole for the server's own helpers (`ProfilesOf`).
 */
export type UploadHandler<
  TProfiles extends Record<string, AnyProfile> = Record<string, AnyProfile>,
> = ((request: Request, context?: RequestContext) => Promise<Response>) &
  HandlerContract<ProfileContractsOf<TProfiles>> & {
    readonly $profiles: TProfiles;
    /**
     * Removes incomplete tus uploads past `tus.expiresIn` now (a timer also does, hourly at
     * most); resolves to how many. 0 when no profile allows tus.
     */
    cleanUpExpiredUploads(): Promise<number>;
    /**
     * Reads and checks the ImageKit keys now (options, then `IMAGEKIT_*`): throws an `Error`
     * naming the variable when one is missing or malformed, never showing a key. The handler does
     * this on each request rather than when it is created, so a build needs no secrets; call
     * this where the server starts (e.g. Next.js's `instrumentation.ts`) to fail there instead.
     */
    checkConfig(): void;
  };

/** What an adapter knows of a request beyond the `Request` itself. */
export interface RequestContext {
  /** The peer's address (the socket's), when the runtime exposes it. */
  clientAddress?: string;
}

/**
 * One handler for every route of the kit under `basePath` (see `routes/`):
 * `GET config`, `POST {profile}/sign`, `POST {profile}/proxy`, `POST {profile}/complete`,
 * `GET {profile}/status`, `POST webhook`, and the tus endpoint `{profile}/tus` (with
 * `GET {profile}/tus/{id}/result`). A bad option or restriction throws here, at start. The
 * ImageKit keys do not: the route module is loaded by `next build`, which must not need secrets,
 * so they are checked on each request (a missing one answers 500 and goes to `onError`) and by
 * `checkConfig()`.
 */
export function createUploadHandler<const TProfiles extends Record<string, AnyProfile>>(
  config: UploadHandlerConfig<TProfiles>,
): UploadHandler<TProfiles> {
  const ctx = createHandlerContext(config);
  const handler = async (request: Request, context: RequestContext = {}): Promise<Response> => {
    try {
      // Cheap once the keys were read; until then every request reports why they cannot be.
      ctx.checkConfig();
      return await routeRequest(ctx, request, context);
    } catch (error) {
      return toErrorResponse(error, ctx.onError);
    }
  };
  const cleanUpExpiredUploads = async () => (ctx.tus ? ctx.tus.cleanUpExpiredUploads() : 0);
  const checkConfig = () => ctx.checkConfig();
  return Object.assign(handler, {
    cleanUpExpiredUploads,
    checkConfig,
  }) as unknown as UploadHandler<TProfiles>;
}

/**
 * An `UploadError` answers as itself; the shared state out of reach, as a 503 to retry (its
 * store reports the outage itself, once); anything else is a bug, reported and answered
 * generically.
 */
function toErrorResponse(error: unknown, onError: (error: unknown) => void): Response {
  if (error instanceof StateUnavailableError) {
    const message = "Uploads are briefly unavailable; try again shortly.";
    return errorResponse(new UploadError("service-unavailable", message, { retryAfter: 1 }));
  }
  if (error instanceof UploadError) {
    if (error.code === "internal-error") onError(error);
    return errorResponse(error);
  }
  onError(error);
  return errorResponse(new UploadError("internal-error", "Something went wrong on the server."));
}
