/** The route's base path when `endpoint` is not given. */
export const DEFAULT_ENDPOINT = "/api/upload";
/** From this size, `auto` sends a file by tus when the profile allows it and one is supplied. */
export const TUS_THRESHOLD_BYTES = 8 * 1024 * 1024;
/** Progress of one file reaches the store at most this often (~10 updates a second). */
export const PROGRESS_INTERVAL_MS = 100;
/** How often the state of post-transformations is asked for after an upload. */
export const PROCESSING_POLL_MS = 2000;
