import { type Transport, UploadError } from "@upkit/core";
import type { RequestContext } from "../create-upload-handler";
import { clientAddress } from "../rate-limiter";
import type { HandlerContext } from "./handler-context";
import type { ResolvedProfile } from "./resolve-profiles";

/**
 * Runs the profile's `authorize`, then counts the request against its rate limit (keyed by
 * what `authorize` returned, when the profile says so). Returns that value: the profile's `ctx`.
 * `count: false` leaves the counting to the route ({@link countRequest}).
 */
export async function authorize(
  ctx: HandlerContext,
  profile: ResolvedProfile,
  request: Request,
  requestContext: RequestContext,
  { count = true }: { count?: boolean } = {},
): Promise<unknown> {
  let auth: unknown;
  try {
    auth = profile.profile.authorize ? await profile.profile.authorize(request) : undefined;
  } catch (error) {
    if (error instanceof UploadError) throw error;
    // A refusal's own message may say more than the user should see: keep it generic.
    throw new UploadError("forbidden", "You are not allowed to upload here.", { cause: error });
  }
  if (count) await countRequest(ctx, profile, request, requestContext, auth);
  return auth;
}

/** Counts one request against the profile's rate limit; throws `rate-limited` past it. */
export async function countRequest(
  ctx: HandlerContext,
  profile: ResolvedProfile,
  request: Request,
  requestContext: RequestContext,
  auth: unknown,
): Promise<void> {
  const retryAfter = await profile.limiter?.hit(
    profile.rateKey
      ? profile.rateKey(request, auth)
      : clientAddress(request, ctx.trustProxy, requestContext.clientAddress),
  );
  if (retryAfter !== undefined) {
    throw new UploadError("rate-limited", "Too many uploads; try again shortly.", { retryAfter });
  }
}

/** Refuses a transport the profile does not list, before anything else runs. */
export function requireTransport(profile: ResolvedProfile, transport: Transport): void {
  if (!profile.transports.includes(transport)) {
    throw new UploadError(
      "forbidden",
      `Profile "${profile.name}" does not allow ${transport} uploads.`,
    );
  }
}
