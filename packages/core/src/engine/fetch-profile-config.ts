import type { ConfigResponse, ProfileConfig } from "../protocol";
import { UploadError } from "../upload-error";
import { expectShape, fetchJson } from "./fetch-json";

// Apart from response-guards.ts, which only the lazily loaded code needs: this is on every page.
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function isConfigResponse(body: unknown): body is ConfigResponse {
  return (
    isObject(body) &&
    isObject(body.profiles) &&
    Object.values(body.profiles).every(
      (profile) =>
        isObject(profile) && isObject(profile.restrictions) && Array.isArray(profile.transports),
    )
  );
}

/** The published restrictions and transports of `profile`, from `GET {endpoint}/config`. */
export async function fetchProfileConfig(
  fetchFn: typeof fetch,
  endpoint: string,
  profile: string,
): Promise<ProfileConfig> {
  const url = `${endpoint}/config`;
  const { profiles } = expectShape(isConfigResponse, await fetchJson(fetchFn, url), url);
  const found = profiles[profile];
  if (!found) {
    const known = Object.keys(profiles).join(", ") || "none";
    throw new UploadError("not-found", `Unknown upload profile "${profile}" (known: ${known})`);
  }
  return found;
}
