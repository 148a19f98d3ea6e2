import {
  type ConfigResponse,
  type PublicRestrictions,
  resolveRestrictions,
  type Transport,
} from "@upkit/core";
import type { AnyProfile, RateLimit } from "../profile";
import { RateLimiter } from "../rate-limiter";
import { acceptToChecks } from "../signing/accept-to-checks";
import type { StateStore } from "../state/state-store";

/** A profile as the routes use it: its restrictions resolved, its checks and limiter built. */
export interface ResolvedProfile {
  name: string;
  profile: AnyProfile;
  transports: Transport[];
  restrictions: PublicRestrictions;
  /** The restrictions as ImageKit `checks`, bound into every direct upload's signature. */
  checks: string | undefined;
  limiter: RateLimiter | undefined;
  rateKey: RateLimit<unknown>["key"];
}

// Generous: the engine makes two requests a file (sign, complete), and a user may drop a folder.
const DEFAULT_RATE_LIMIT = { limit: 300, windowMs: 60_000 };

/**
 * The configured profiles by name. A Map, not an object: a name from the URL must never find
 * `constructor` or `__proto__`. A bad name or restriction throws here, at start.
 */
export function resolveProfiles(
  profiles: Record<string, AnyProfile>,
  store: StateStore,
): Map<string, ResolvedProfile> {
  return new Map(
    Object.entries(profiles).map(([name, profile]) => [name, resolve(name, profile, store)]),
  );
}

function resolve(name: string, profile: AnyProfile, store: StateStore): ResolvedProfile {
  if (!/^[A-Za-z0-9_-]+$/.test(name))
    throw new Error(`Invalid profile name "${name}": use letters, digits, _ and -`);
  const restrictions = resolveRestrictions(profile.restrictions);
  const limit: RateLimit<unknown> | undefined =
    profile.rateLimit === false ? undefined : (profile.rateLimit ?? DEFAULT_RATE_LIMIT);
  return {
    name,
    profile,
    transports: profile.transports ?? ["direct"],
    restrictions,
    checks: restrictionChecks(restrictions),
    limiter: limit && new RateLimiter(store, name, limit.limit, limit.windowMs),
    rateKey: limit?.key,
  };
}

/** What `GET config` publishes of the profiles: restrictions and transports, never a hook. */
export function publicConfig(profiles: Map<string, ResolvedProfile>): ConfigResponse {
  return {
    profiles: Object.fromEntries(
      [...profiles].map(([name, p]) => [
        name,
        { restrictions: p.restrictions, transports: p.transports },
      ]),
    ),
  };
}

/**
 * The restrictions as ImageKit `checks`. The size in whole kB rounded up, the documented unit
 * form: never stricter than the profile's limit (whether ImageKit counts kB as 1000 or 1024
 * bytes); `complete` checks the exact size. The type by the MIME ImageKit detects.
 */
function restrictionChecks(restrictions: PublicRestrictions): string | undefined {
  const checks = [acceptToChecks(restrictions.accept)];
  if (restrictions.maxFileSize !== undefined) {
    checks.push(`"file.size" <= "${Math.ceil(restrictions.maxFileSize / 1000)}kb"`);
  }
  return checks.filter(Boolean).join(" AND ") || undefined;
}
