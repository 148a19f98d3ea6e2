import { requirePrivateKey } from "../http/basic-auth";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import { sendEmpty, sendJson } from "../http/respond";
import type { Route } from "../http/router";
import { listAssets } from "./list-assets";
import { readListRequest } from "./list-request";
import { toFileObject } from "./to-file-object";

/**
 * The file management API the kit needs: list and search (files and folders), details, delete
 * (Basic auth with the private key).
 */
export const filesRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/files",
    async handler(req, res, ctx, _params, url) {
      requirePrivateKey(req, ctx.options.privateKey);
      sendJson(res, 200, listAssets(ctx, readListRequest(url, ctx)));
    },
  },
  {
    method: "GET",
    pattern: "/v1/files/:fileId/details",
    async handler(req, res, ctx, params) {
      requirePrivateKey(req, ctx.options.privateKey);
      const file = ctx.files.findById(params.fileId as string);
      const version = file && ctx.files.version(file.currentVersion);
      if (!file || !version) throw new ImageKitError(404, MESSAGES.fileNotFound);
      sendJson(res, 200, toFileObject(ctx, file, version));
    },
  },
  {
    method: "DELETE",
    pattern: "/v1/files/:fileId",
    async handler(req, res, ctx, params) {
      requirePrivateKey(req, ctx.options.privateKey);
      const file = ctx.files.findById(params.fileId as string);
      if (!file) throw new ImageKitError(404, MESSAGES.fileNotFound);
      const blobs = ctx.files.delete(file.id);
      // The rows are gone first, so no request can find a file whose bytes are being removed.
      await Promise.all(blobs.map((key) => ctx.blobs.remove(key)));
      ctx.webhooks.sendEvent("file.deleted", { fileId: file.id });
      sendEmpty(res, 204);
    },
  },
];
