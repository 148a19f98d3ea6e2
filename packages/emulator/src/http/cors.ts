import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Browser pages on other localhost ports upload straight to the emulator (direct uploads), so
 * every response allows any origin, and preflights are answered.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
  res.setHeader("vary", "origin");
  res.setHeader("access-control-allow-methods", "GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS");
  res.setHeader(
    "access-control-allow-headers",
    req.headers["access-control-request-headers"] ??
      "authorization, content-type, x-emulator-fault",
  );
  res.setHeader(
    "access-control-expose-headers",
    "x-request-id, x-ik-requestid, x-ratelimit-limit, x-ratelimit-reset, x-ratelimit-interval, retry-after",
  );
  res.setHeader("access-control-max-age", "600");
}
