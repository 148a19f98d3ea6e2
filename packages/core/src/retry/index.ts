// The retry toolkit of the browser's engine and of the server's ImageKit client: small, and free
// of zod and of Node APIs, since the engine's entry loads it in the browser.
export * from "./backoff-delay";
export * from "./retry-after-of";
export * from "./sleep";
export * from "./with-retries";
