import type { FaultRule } from "../options";
import { validateFaultRule } from "./faults";
import { ImageKitError } from "./imagekit-error";
import { readJson } from "./read-json";
import { sendEmpty, sendJson } from "./respond";
import type { Route } from "./router";

/**
 * The emulator's own test controls, under `/_emulator/`. Not part of ImageKit's API, and
 * deliberately unauthenticated (emulator choice): they exist so tests, browser tests included
 * (which cannot set request headers on the SDK's upload), can steer the emulator. Never expose
 * the emulator beyond localhost.
 *
 * - `GET    /_emulator/health`    `{ ok: true }`
 * - `GET    /_emulator/faults`    the fault rules in force (`times` counts down as rules are used)
 * - `POST   /_emulator/faults`    add a rule, JSON body `{ method?, path?, times?, fault }` where
 *                                 `fault` is `{ latencyMs?, status?, resetAfterBytes?, stall? }` or
 *                                 a string in the `x-emulator-fault` header grammar
 *                                 (`"status=503"`); 201 with the rule; 400 when invalid
 * - `DELETE /_emulator/faults`    remove every rule; 204
 * - `GET    /_emulator/webhooks`  the webhook deliveries (latest 100), oldest first
 * - `DELETE /_emulator/webhooks`  forget the delivery log; 204
 */
export const adminRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/_emulator/health",
    handler: async (_req, res) => sendJson(res, 200, { ok: true }),
  },
  {
    method: "GET",
    pattern: "/_emulator/faults",
    handler: async (_req, res, ctx) => sendJson(res, 200, ctx.options.faults),
  },
  {
    method: "POST",
    pattern: "/_emulator/faults",
    handler: async (req, res, ctx) => {
      const body = await readJson(req);
      let rule: FaultRule;
      try {
        rule = validateFaultRule(body);
      } catch (error) {
        throw new ImageKitError(400, `Invalid fault rule: ${(error as Error).message}.`);
      }
      ctx.options.faults.push(rule);
      sendJson(res, 201, rule);
    },
  },
  {
    method: "DELETE",
    pattern: "/_emulator/faults",
    handler: async (_req, res, ctx) => {
      ctx.options.faults.length = 0;
      sendEmpty(res, 204);
    },
  },
  {
    method: "GET",
    pattern: "/_emulator/webhooks",
    handler: async (_req, res, ctx) => sendJson(res, 200, ctx.webhooks.delivered),
  },
  {
    method: "DELETE",
    pattern: "/_emulator/webhooks",
    handler: async (_req, res, ctx) => {
      ctx.webhooks.clearLog();
      sendEmpty(res, 204);
    },
  },
];
