import { requirePrivateKey } from "../http/basic-auth";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import { sendEmpty, sendJson } from "../http/respond";
import type { Route } from "../http/router";
import { LIST_SORTS, type ListQuery } from "../storage/file-repository";
import { normalizeFolder } from "../upload/parse-upload-fields";
import { toFileObject } from "./to-file-object";

function listQuery(url: URL): ListQuery {
  const number = (name: string, fallback: number, max: number) => {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > max)
      throw new ImageKitError(400, MESSAGES.invalidParameter(name));
    return value;
  };
  const path = url.searchParams.get("path");
  const tags = url.searchParams.get("tags");
  const fileType = url.searchParams.get("fileType");
  const sort = url.searchParams.get("sort");
  if (sort !== null && !(LIST_SORTS as readonly string[]).includes(sort))
    throw new ImageKitError(400, MESSAGES.invalidParameter("sort"));
  if (fileType !== null && !["all", "image", "non-image"].includes(fileType))
    throw new ImageKitError(400, MESSAGES.invalidParameter("fileType"));
  return {
    ...(path ? { path: normalizeFolder(path) } : {}),
    ...(tags
      ? {
          tags: tags
            .split(",")
            .map((tag) => tag.trim())
            .filter(Boolean),
        }
      : {}),
    ...(fileType && fileType !== "all" ? { fileType: fileType as "image" | "non-image" } : {}),
    ...(sort ? { sort: sort as ListQuery["sort"] } : {}),
    limit: number("limit", 1000, 1000),
    skip: number("skip", 0, Number.MAX_SAFE_INTEGER),
  };
}

/** The file management API the kit needs: details, list, delete (Basic auth with the private key). */
export const filesRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/v1/files",
    async handler(req, res, ctx, _params, url) {
      requirePrivateKey(req, ctx.options.privateKey);
      const files = ctx.files.list(listQuery(url));
      const body = files.flatMap((file) => {
        const version = ctx.files.version(file.currentVersion);
        return version ? [toFileObject(ctx, file, version)] : [];
      });
      sendJson(res, 200, body);
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
