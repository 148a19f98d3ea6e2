import { stat } from "node:fs/promises";
import type { EmulatorContext } from "../context";
import { checkAITasks } from "../extensions/run-ai-tasks";
import { runExtensions } from "../extensions/run-extensions";
import { toFileObject } from "../files/to-file-object";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import { sendJson } from "../http/respond";
import type { Handler } from "../http/router";
import { newId, uniqueSuffix } from "../ids";
import { probeFile } from "../media/probe-file";
import type { FileRecord, VersionRecord } from "../storage/file-repository";
import {
  applyPreTransformation,
  checkTransformation,
  failsAsVideoPreTransformation,
  schedulePostTransformations,
  TRANSFORMATION_FAILED,
} from "./apply-transformations";
import { authenticateUpload } from "./authenticate-upload";
import { buildUploadResponse } from "./build-upload-response";
import { downloadFile } from "./download-file";
import { evaluateChecks } from "./evaluate-checks";
import { parseUploadFields, type UploadParams } from "./parse-upload-fields";
import { readUploadBody } from "./read-upload-body";

/** `POST /api/v1/files/upload` and `POST /api/v2/files/upload`. */
export function uploadHandler(api: "v1" | "v2"): Handler {
  return async (req, res, ctx) => {
    const maxBytes = Math.max(ctx.options.maxFileSize, ctx.options.maxVideoSize);
    const body = await readUploadBody(req, ctx.blobs, maxBytes);
    // Until it is committed, the upload lives in a temp file that every failure removes.
    let tempPath = body.file && body.file.kind !== "url" ? body.file.tempPath : undefined;
    try {
      const now = Math.floor(Date.now() / 1000);
      await authenticateUpload({
        req,
        fields: body.fields,
        api,
        options: ctx.options,
        tokens: ctx.tokens,
        now,
      });
      if (!body.file) throw new ImageKitError(400, MESSAGES.missingParameter("file"));
      const params = parseUploadFields(body.fields);
      if (body.file.kind === "url") {
        tempPath = (
          await downloadFile(body.file.url, ctx.blobs, maxBytes, ctx.options.urlFetchTimeoutMs)
        ).tempPath;
      }
      // The id of this request, which ImageKit's webhooks name as `request.x_request_id`.
      const requestId = String(res.getHeader("x-request-id") ?? newId());
      const stored = await store(ctx, params, tempPath as string, requestId);
      tempPath = undefined;
      sendJson(res, stored.status, stored.body);
    } finally {
      if (tempPath) await ctx.blobs.discard(tempPath);
    }
  };
}

async function store(
  ctx: EmulatorContext,
  params: UploadParams,
  tempPath: string,
  requestId: string,
): Promise<{ status: number; body: unknown }> {
  let media = await probeFile(tempPath, params.fileName);
  let size = (await stat(tempPath)).size;
  const limit = media.kind === "video" ? ctx.options.maxVideoSize : ctx.options.maxFileSize;
  if (size > limit) throw new ImageKitError(400, MESSAGES.fileTooLarge);

  if (params.checks) {
    evaluateChecks(params.checks, {
      file: { size, mime: media.mime, width: media.width, height: media.height },
      request: { folder: params.folder, fileName: params.fileName, tags: params.tags ?? [] },
    });
  }
  if (params.transformation) checkTransformation(params.transformation, media);
  // Saved extensions run as the configuration saved under their id.
  const extensions = ctx.savedExtensions.resolve(params.extensions);
  checkAITasks(ctx.customMetadata, extensions);

  const name = params.useUniqueFileName ? withSuffix(params.fileName) : params.fileName;
  const filePath = `${params.folder}${name}`;
  const existing = params.useUniqueFileName ? undefined : ctx.files.findByPath(filePath);
  if (existing && !params.overwriteFile) throw new ImageKitError(400, MESSAGES.overwriteConflict);
  if (existing && existing.versionCount >= 100)
    throw new ImageKitError(400, MESSAGES.tooManyVersions);

  // Values the request did not send are kept or cleared per the overwrite* flags.
  const keepMetadata =
    existing && params.customMetadata === undefined && !params.overwriteCustomMetadata;
  const customMetadata = keepMetadata
    ? ctx.customMetadata.validateValues({}, existing.customMetadata)
    : ctx.customMetadata.validateValues(params.customMetadata ?? {});

  // Image pre-transformations happen before storing; video ones are queued (answered with 202).
  const pre = params.transformation?.pre;
  const preRequest =
    pre === undefined ? undefined : { x_request_id: requestId, transformation: pre };
  const queuedPre = pre !== undefined && media.kind === "video";
  if (queuedPre && failsAsVideoPreTransformation(pre, media)) {
    // Encoding fails after the 202: nothing is stored, only the error webhook tells.
    ctx.jobs.later(ctx.options.asyncDelayMs, async () => {
      ctx.webhooks.sendEvent(
        "upload.pre-transform.error",
        { name, path: filePath, transformation: { error: { reason: TRANSFORMATION_FAILED } } },
        preRequest,
      );
    });
    await ctx.blobs.discard(tempPath);
    return { status: 202, body: { message: MESSAGES.preTransformQueued } };
  }
  if (pre !== undefined && media.kind === "image") {
    let transformed: string;
    try {
      transformed = await applyPreTransformation(ctx, tempPath, pre, params.customCoordinates);
    } catch (error) {
      if (error instanceof ImageKitError) throw error;
      // A transformation that parsed but cannot be rendered (e.g. an output over 16384 px).
      ctx.webhooks.sendEvent(
        "upload.pre-transform.error",
        { name, path: filePath, transformation: { error: { reason: TRANSFORMATION_FAILED } } },
        preRequest,
      );
      throw new ImageKitError(400, MESSAGES.invalidTransformation);
    }
    await ctx.blobs.discard(tempPath);
    tempPath = transformed;
    media = await probeFile(tempPath, params.fileName);
    size = (await stat(tempPath)).size;
  }

  const stored: Stored = {
    tempPath,
    media,
    size,
    name,
    filePath,
    existing,
    customMetadata,
    extensions,
    requestId,
  };
  if (queuedPre) {
    // As ImageKit: the video is stored once its transformation ran, and only the webhook says so.
    ctx.jobs.later(ctx.options.asyncDelayMs, async () => {
      try {
        const response = await commitUpload(ctx, params, stored);
        ctx.webhooks.sendEvent("upload.pre-transform.success", response, preRequest);
      } catch {
        await ctx.blobs.discard(stored.tempPath);
        ctx.webhooks.sendEvent(
          "upload.pre-transform.error",
          { name, path: filePath, transformation: { error: { reason: TRANSFORMATION_FAILED } } },
          preRequest,
        );
      }
    });
    return { status: 202, body: { message: MESSAGES.preTransformQueued } };
  }
  const response = await commitUpload(ctx, params, stored);
  // An image's pre-transformation ran before storing; its webhook follows all the same (the
  // documented `upload.pre-transform.success` example is an image's `rt-90`).
  if (preRequest) ctx.webhooks.sendEvent("upload.pre-transform.success", response, preRequest);
  return { status: 200, body: response };
}

/** An upload that passed every check, ready to be stored. */
interface Stored {
  tempPath: string;
  media: Awaited<ReturnType<typeof probeFile>>;
  size: number;
  name: string;
  filePath: string;
  existing: FileRecord | undefined;
  customMetadata: FileRecord["customMetadata"];
  extensions: ReturnType<EmulatorContext["savedExtensions"]["resolve"]>;
  requestId: string;
}

/** Stores the file (a new one or a new version), runs its extensions, and builds the answer. */
async function commitUpload(ctx: EmulatorContext, params: UploadParams, stored: Stored) {
  const { tempPath, media, size, name, filePath, existing, customMetadata, extensions, requestId } =
    stored;
  const ran = runExtensions(ctx, extensions, media, params.webhookUrl, {
    tags: params.tags ?? (existing && !params.overwriteTags ? existing.tags : null),
    customMetadata,
  });
  const now = new Date().toISOString();
  const fileId = existing?.id ?? newId();
  const version: VersionRecord = {
    id: existing ? newId() : fileId,
    fileId,
    number: (existing?.versionCount ?? 0) + 1,
    blob: "",
    size,
    mime: media.mime,
    fileType: media.fileType,
    media,
    createdAt: now,
  };
  const file: FileRecord = {
    id: fileId,
    filePath,
    name,
    folder: params.folder,
    currentVersion: version.id,
    versionCount: version.number,
    isPrivateFile: params.isPrivateFile,
    isPublished: params.isPublished,
    tags: ran.values.tags,
    AITags: ran.AITags ?? (existing && !params.overwriteAITags ? existing.AITags : null),
    customCoordinates: params.customCoordinates ?? null,
    customMetadata: ran.values.customMetadata,
    description: ran.description ?? params.description ?? null,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };

  version.blob = await ctx.blobs.commit(tempPath);
  try {
    if (existing) ctx.files.addVersion(file, version);
    else ctx.files.insert(file, version);
  } catch (error) {
    await ctx.blobs.remove(version.blob);
    throw error;
  }

  for (const run of ran.later) run(file);
  const response = buildUploadResponse(
    ctx,
    file,
    version,
    params.responseFields,
    extensions.length > 0 ? ran.status : undefined,
  );
  if (params.transformation?.post)
    schedulePostTransformations(ctx, file, version, params.transformation.post, requestId);
  ctx.webhooks.sendEvent(
    existing ? "file-version.created" : "file.created",
    toFileObject(ctx, file, version),
  );
  return response;
}

/** `name.jpg` becomes `name_<9 chars>.jpg`: the suffix goes before the extension. */
function withSuffix(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  if (dot <= 0) return `${fileName}_${uniqueSuffix()}`;
  return `${fileName.slice(0, dot)}_${uniqueSuffix()}${fileName.slice(dot)}`;
}
