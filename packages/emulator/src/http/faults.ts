import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server, Socket } from "node:net";
import type { Fault, FaultRule } from "../options";
import { ImageKitError } from "./imagekit-error";
import { type RateLimitConfig, sendRateLimited } from "./rate-limit";
import { sendJson } from "./respond";

/**
 * Fault injection, for tests only and off by default. A fault comes from
 *
 * - the request header `x-emulator-fault` (wins when present): directives separated by `;`,
 *   whitespace ignored, e.g. `status=503`, `status=429`, `latency=500`, `reset-after=1024`,
 *   `stall`, `latency=200; status=503`:
 *     - `status=<code>`      answer `{ message, help }` with this status (429 or 500–599) instead
 *                            of handling the request; a 429 carries the `X-RateLimit-*` headers
 *                            and `Retry-After`.
 *     - `latency=<ms>`       wait this long before the request is handled (or the status answered).
 *     - `reset-after=<n>`    let the request be handled, but reset the connection (TCP RST) as soon
 *                            as `n` bytes of the body have been received; the handler sees at most
 *                            `n` bytes and then an `ECONNRESET` error, never the end of the body.
 *                            `reset-after=0` resets right after the headers. A body shorter than
 *                            `n` bytes is not reset.
 *     - `stall`              never answer and stop reading: the connection stays open until the
 *                            client gives up (or the emulator closes). A client that leaves while
 *                            its body is still unread is only noticed when the emulator closes
 *                            (`destroyStalledSockets` / `server.closeAllConnections()`) or at
 *                            Node's `server.requestTimeout` (300 s by default).
 *   Precedence when combined: `stall`, then `status`, then `reset-after`; `latency` applies
 *   before `status` and `reset-after`. A malformed header is answered with 400.
 * - the rules in `options.faults` (set at start or through `POST /_emulator/faults`): the first
 *   rule whose `method` (any when absent) and `path` prefix (any when absent) match; a rule with
 *   `times` is used that many times and then removed.
 *
 * Never faulted: `OPTIONS` requests (CORS preflights must not use up a rule) and the emulator's
 * own controls under `/_emulator/`.
 */
export const FAULT_HEADER = "x-emulator-fault";

/** `X-RateLimit-*` values of an injected 429 when `options.rateLimit` is not set. */
export const DEFAULT_FAULT_RATE_LIMIT: RateLimitConfig = { limit: 100, intervalMs: 1000 };

const SERVER_ERROR_MESSAGES: Record<number, string> = {
  500: "Internal server error.",
  502: "Bad gateway.",
  503: "Service temporarily unavailable.",
  504: "Gateway timeout.",
};

/** Parses the `x-emulator-fault` header grammar; throws an `Error` naming what is wrong. */
export function parseFaultHeader(value: string): Fault {
  const fault: Fault = {};
  for (const raw of value.split(";")) {
    const directive = raw.trim();
    if (directive === "") continue;
    const eq = directive.indexOf("=");
    const name = (eq === -1 ? directive : directive.slice(0, eq)).trim().toLowerCase();
    const arg = eq === -1 ? undefined : directive.slice(eq + 1).trim();
    const number = () => {
      if (arg === undefined || !/^\d+$/.test(arg))
        throw new Error(`"${name}" needs a non-negative integer`);
      return Number(arg);
    };
    switch (name) {
      case "status":
        fault.status = number();
        break;
      case "latency":
        fault.latencyMs = number();
        break;
      case "reset-after":
        fault.resetAfterBytes = number();
        break;
      case "stall":
        if (arg !== undefined && arg !== "true") throw new Error(`"stall" takes no value`);
        fault.stall = true;
        break;
      default:
        throw new Error(
          `unknown directive "${name}" (expected status, latency, reset-after or stall)`,
        );
    }
  }
  return validateFault(fault);
}

/** Checks a fault object (from options or the admin route); throws an `Error` when invalid. */
export function validateFault(input: unknown): Fault {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new Error("a fault must be an object");
  const fault = input as Record<string, unknown>;
  for (const key of Object.keys(fault)) {
    if (!["latencyMs", "status", "resetAfterBytes", "stall"].includes(key))
      throw new Error(`unknown fault field "${key}"`);
  }
  const { latencyMs, status, resetAfterBytes, stall } = fault;
  if (
    latencyMs !== undefined &&
    !(typeof latencyMs === "number" && Number.isFinite(latencyMs) && latencyMs >= 0)
  ) {
    throw new Error("latencyMs must be a non-negative number");
  }
  if (
    status !== undefined &&
    !(
      Number.isInteger(status) &&
      (status === 429 || ((status as number) >= 500 && (status as number) <= 599))
    )
  ) {
    throw new Error("status must be 429 or 500-599");
  }
  if (
    resetAfterBytes !== undefined &&
    !(Number.isInteger(resetAfterBytes) && (resetAfterBytes as number) >= 0)
  ) {
    throw new Error("resetAfterBytes must be a non-negative integer");
  }
  if (stall !== undefined && typeof stall !== "boolean") throw new Error("stall must be a boolean");
  if (latencyMs === undefined && status === undefined && resetAfterBytes === undefined && !stall) {
    throw new Error("the fault does nothing (set latencyMs, status, resetAfterBytes or stall)");
  }
  return { ...(fault as Fault) };
}

/**
 * Checks a rule (from options or `POST /_emulator/faults`); `fault` may also be given in the
 * header grammar (`"status=503"`). Throws an `Error` when invalid.
 */
export function validateFaultRule(input: unknown): FaultRule {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new Error("a fault rule must be an object");
  const rule = input as Record<string, unknown>;
  for (const key of Object.keys(rule)) {
    if (!["method", "path", "times", "fault"].includes(key))
      throw new Error(`unknown fault rule field "${key}"`);
  }
  const { method, path, times, fault } = rule;
  if (method !== undefined && (typeof method !== "string" || method === ""))
    throw new Error("method must be a string");
  if (path !== undefined && (typeof path !== "string" || !path.startsWith("/")))
    throw new Error('path must start with "/"');
  if (times !== undefined && !(Number.isInteger(times) && (times as number) >= 1))
    throw new Error("times must be a positive integer");
  return {
    ...(method === undefined ? {} : { method: method.toUpperCase() }),
    ...(path === undefined ? {} : { path }),
    ...(times === undefined ? {} : { times: times as number }),
    fault: typeof fault === "string" ? parseFaultHeader(fault) : validateFault(fault),
  };
}

/**
 * The fault for this request, or undefined: the `x-emulator-fault` header if present, else the
 * first matching rule (whose `times` is then used up; an exhausted rule is removed from `rules`).
 * Throws an `ImageKitError` (400) for a malformed header.
 */
export function findFault(
  req: IncomingMessage,
  rules: FaultRule[],
  pathname: string = new URL(req.url ?? "/", "http://emulator").pathname,
): Fault | undefined {
  if (req.method === "OPTIONS" || pathname === "/_emulator" || pathname.startsWith("/_emulator/"))
    return undefined;
  const header = req.headers[FAULT_HEADER];
  if (header !== undefined) {
    const value = Array.isArray(header) ? header.join(";") : header;
    if (value.trim() !== "") {
      try {
        return parseFaultHeader(value);
      } catch (error) {
        throw new ImageKitError(
          400,
          `Invalid ${FAULT_HEADER} header: ${(error as Error).message}.`,
        );
      }
    }
  }
  const index = rules.findIndex(
    (rule) =>
      (rule.method === undefined || rule.method.toUpperCase() === req.method) &&
      (rule.path === undefined || pathname.startsWith(rule.path)),
  );
  if (index === -1) return undefined;
  const rule = rules[index] as FaultRule;
  if (rule.times !== undefined) {
    rule.times -= 1;
    if (rule.times <= 0) rules.splice(index, 1);
  }
  return rule.fault;
}

/**
 * Applies a fault. `"handled"`: the request has been answered (or stalled): do nothing more.
 * `"continue"`: handle the request as usual (after the latency; with `reset-after`, the
 * connection will be reset while the handler reads the body).
 *
 * Call it at the very start of the request listener, before any `await`, so `reset-after`
 * counts every body byte. `rateLimit` gives the `X-RateLimit-*` values of an injected 429.
 */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  rateLimit: RateLimitConfig = DEFAULT_FAULT_RATE_LIMIT,
): Promise<"handled" | "continue"> {
  if (fault.stall) {
    stall(req);
    return "handled";
  }
  if (fault.status === undefined && fault.resetAfterBytes !== undefined)
    resetAfter(req, fault.resetAfterBytes);
  if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
  if (fault.status === undefined) return "continue";
  if (res.headersSent || res.destroyed) return "handled";
  res.setHeader(FAULT_HEADER, "injected");
  if (fault.status === 429) {
    sendRateLimited(res, { ...rateLimit, resetMs: rateLimit.intervalMs });
  } else {
    const message = SERVER_ERROR_MESSAGES[fault.status] ?? "Server error.";
    sendJson(res, fault.status, new ImageKitError(fault.status, message).toJSON());
  }
  // Node reads and discards the rest of the body, so the client gets to read the answer.
  req.resume();
  return "handled";
}

/**
 * `findFault` + `applyFault` in one call, with a malformed header answered 400. Same contract as
 * `applyFault`; call it first thing in the request listener.
 */
export async function injectFault(
  req: IncomingMessage,
  res: ServerResponse,
  options: { faults: FaultRule[]; rateLimit?: RateLimitConfig | undefined },
  pathname?: string,
): Promise<"handled" | "continue"> {
  let fault: Fault | undefined;
  try {
    fault = findFault(req, options.faults, pathname);
  } catch (error) {
    if (!(error instanceof ImageKitError)) throw error;
    sendJson(res, error.status, error.toJSON());
    req.resume();
    return "handled";
  }
  return fault
    ? applyFault(fault, req, res, options.rateLimit ?? DEFAULT_FAULT_RATE_LIMIT)
    : "continue";
}

// --- stall ------------------------------------------------------------------------------------

const stalled = new Set<Socket>();

function stall(req: IncomingMessage): void {
  req.pause();
  const socket = req.socket;
  if (socket.destroyed) return;
  stalled.add(socket);
  socket.once("close", () => stalled.delete(socket));
}

/**
 * Destroys the connections held open by `stall` faults: those accepted by `server`, or all of
 * them. Call it when closing the emulator (`server.closeAllConnections()` does it too).
 * Returns how many were destroyed.
 */
export function destroyStalledSockets(server?: Server): number {
  let count = 0;
  for (const socket of [...stalled]) {
    if (server !== undefined && (socket as Socket & { server?: Server }).server !== server)
      continue;
    stalled.delete(socket);
    socket.destroy();
    count += 1;
  }
  return count;
}

/** How many connections are stalled right now (for tests and the admin route). */
export function stalledSocketCount(): number {
  return stalled.size;
}

// --- reset-after ------------------------------------------------------------------------------

/**
 * Counts body bytes as the HTTP parser hands them to the request (`IncomingMessage#push`, the
 * one way body data reaches the stream), so the handler's way of reading is left untouched.
 * Once `limit` bytes arrived, the rest is withheld (the end of the body included) and the
 * connection is reset on the next tick; the request then errors with `ECONNRESET`.
 */
function resetAfter(req: IncomingMessage, limit: number): void {
  let received = req.readableLength;
  let fired = false;
  const fire = () => {
    fired = true;
    process.nextTick(() => {
      const socket = req.socket as Socket | null;
      if (socket && !socket.destroyed) {
        if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
        else socket.destroy();
      }
      const error = Object.assign(new Error("aborted"), { code: "ECONNRESET" });
      req.destroy(error);
    });
  };
  if (received >= limit) {
    fire();
    return;
  }
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (fired) return false;
    if (chunk === null || chunk === undefined) return push(chunk, encoding);
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding);
    if (received + bytes.length < limit) {
      received += bytes.length;
      return push(bytes);
    }
    const head = bytes.subarray(0, limit - received);
    received = limit;
    if (head.length > 0) push(head);
    fire();
    return false;
  };
}
