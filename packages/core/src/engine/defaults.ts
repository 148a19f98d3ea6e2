/** The route's base path when `endpoint` is not given. */
export const DEFAULT_ENDPOINT = "/api/upload";
/** From this size, `auto` sends a file by tus when the profile allows it and one is supplied. */
export const TUS_THRESHOLD_BYTES = 8 * 1024 * 1024;
/** Progress of one file reaches the store at most this often (~10 updates a second). */
export const PROGRESS_INTERVAL_MS = 100;
/** How often the state of post-transformations is asked for after an upload. */
export const PROCESSING_POLL_MS = 2000;
/**
 * Bytes per tus PATCH: under serverless body limits (about 4.5 MB) and the 10 MB a Next.js
 * middleware or proxy buffers, so a chunk is never cut short on its way to the route.
 */
export const TUS_CHUNK_SIZE = 4 * 1024 * 1024;
/** How long tus-js-client waits before each retry of a lost request (its own default). */
export const TUS_RETRY_DELAYS: readonly number[] = [0, 1000, 3000, 5000];
/** How often `GET {uploadUrl}/result` is asked while the server forwards the file to ImageKit. */
export const TUS_RESULT_POLL_MS = 750;
/** How often `complete` is asked whether ImageKit has stored a queued upload (a 202). */
export const QUEUED_POLL_MS = 3000;
/** How long a queued upload is waited for: a long video's pre-transformation takes minutes. */
export const QUEUED_WAIT_MS = 30 * 60 * 1000;
