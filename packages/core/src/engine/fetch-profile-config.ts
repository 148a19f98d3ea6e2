import type { ConfigResponse, ProfileConfig } from "../protocol";
import { UploadError } from "../upload-error";

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

/**
 * `GET {endpoint}/config`'s answers by URL, in flight or settled: every uploader on the page that
 * talks to one endpoint shares one request (the server publishes the same config to everyone).
 * A request that fails leaves the map as it fails, so the next call asks again.
 */
const answers = new Map<string, Promise<ConfigResponse>>();

/**
 * The config, read with a bare `fetch`: every page runs this, so the answer's error mapping
 * (`fetch-json.ts`, with the route's error codes and waits) loads only when it goes wrong.
 */
async function requestConfig(fetchFn: typeof fetch, url: string): Promise<ConfigResponse> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (cause) {
    throw new UploadError("network-error", `Network error while calling ${url}`, { cause });
  }
  const text = await response.text().catch(() => "");
  if (response.ok) {
    const body = parseJson(text);
    if (isConfigResponse(body)) return body;
  }
  const { expectShape, parseBody, routeError } = await import("./fetch-json");
  const body = parseBody(text, response.headers.get("content-type"));
  if (!response.ok) {
    const { retryAfterOf } = await import("../retry/retry-after-of");
    throw routeError(
      response.status,
      body,
      retryAfterOf((name) => response.headers.get(name)),
    );
  }
  return expectShape(isConfigResponse, body, url);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The published restrictions and transports of `profile`, from `GET {endpoint}/config`. */
export async function fetchProfileConfig(
  fetchFn: typeof fetch,
  endpoint: string,
  profile: string,
): Promise<ProfileConfig> {
  const url = `${endpoint}/config`;
  let answer = answers.get(url);
  if (!answer) {
    answer = requestConfig(fetchFn, url);
    answers.set(url, answer);
    // The callers get the failure; this only forgets it. Only this request's own failure can
    // remove it: a later one is made only once it is gone.
    answer.catch(() => answers.delete(url));
  }
  const { profiles } = await answer;
  const found = profiles[profile];
  if (!found) {
    const known = Object.keys(profiles).join(", ") || "none";
    throw new UploadError("not-found", `Unknown upload profile "${profile}" (known: ${known})`);
  }
  return found;
}
