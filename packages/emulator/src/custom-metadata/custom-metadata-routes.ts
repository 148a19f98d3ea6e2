import { requirePrivateKey } from "../http/basic-auth";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import { readJson } from "../http/read-json";
import { sendEmpty, sendJson } from "../http/respond";
import type { Route } from "../http/router";

/** `?includeDeleted=`: `true`/`false` (any case), absent means false; anything else is a 400. */
function includeDeleted(url: URL): boolean {
  const value = url.searchParams.get("includeDeleted");
  if (value === null || value === "") return false;
  const lower = value.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new ImageKitError(400, MESSAGES.invalidParameter("includeDeleted"));
}

/** The custom metadata fields API, as on `https://api.imagekit.io` (Basic auth, JSON). */
export const customMetadataRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/v1/customMetadataFields",
    handler: async (req, res, ctx) => {
      requirePrivateKey(req, ctx.options.privateKey);
      const body = await readJson(req);
      sendJson(res, 201, ctx.customMetadata.create(body));
    },
  },
  {
    method: "GET",
    pattern: "/v1/customMetadataFields",
    handler: async (req, res, ctx, _params, url) => {
      requirePrivateKey(req, ctx.options.privateKey);
      sendJson(res, 200, ctx.customMetadata.list({ includeDeleted: includeDeleted(url) }));
    },
  },
  {
    method: "PATCH",
    pattern: "/v1/customMetadataFields/:id",
    handler: async (req, res, ctx, params) => {
      requirePrivateKey(req, ctx.options.privateKey);
      const body = await readJson(req);
      sendJson(res, 200, ctx.customMetadata.update(params.id as string, body));
    },
  },
  {
    method: "DELETE",
    pattern: "/v1/customMetadataFields/:id",
    handler: async (req, res, ctx, params) => {
      requirePrivateKey(req, ctx.options.privateKey);
      ctx.customMetadata.delete(params.id as string);
      sendEmpty(res, 204);
    },
  },
];
