import { requirePrivateKey } from "../http/basic-auth";
import { readJson } from "../http/read-json";
import { sendEmpty, sendJson } from "../http/respond";
import type { Route } from "../http/router";

/** The saved extensions API, as on `https://api.imagekit.io` (Basic auth, JSON). */
export const savedExtensionsRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/v1/saved-extensions",
    handler: async (req, res, ctx) => {
      requirePrivateKey(req, ctx.options.privateKey);
      const body = await readJson(req);
      sendJson(res, 201, ctx.savedExtensions.create(body));
    },
  },
  {
    method: "GET",
    pattern: "/v1/saved-extensions",
    handler: async (req, res, ctx) => {
      requirePrivateKey(req, ctx.options.privateKey);
      sendJson(res, 200, ctx.savedExtensions.list());
    },
  },
  {
    method: "GET",
    pattern: "/v1/saved-extensions/:id",
    handler: async (req, res, ctx, params) => {
      requirePrivateKey(req, ctx.options.privateKey);
      sendJson(res, 200, ctx.savedExtensions.get(params.id as string));
    },
  },
  {
    method: "PATCH",
    pattern: "/v1/saved-extensions/:id",
    handler: async (req, res, ctx, params) => {
      requirePrivateKey(req, ctx.options.privateKey);
      const body = await readJson(req);
      sendJson(res, 200, ctx.savedExtensions.update(params.id as string, body));
    },
  },
  {
    method: "DELETE",
    pattern: "/v1/saved-extensions/:id",
    handler: async (req, res, ctx, params) => {
      requirePrivateKey(req, ctx.options.privateKey);
      ctx.savedExtensions.delete(params.id as string);
      sendEmpty(res, 204);
    },
  },
];
