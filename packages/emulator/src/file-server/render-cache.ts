import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { EmulatorContext } from "../context";
import { ImageKitError } from "../http/imagekit-error";
import { TransformationError, type TransformationStep } from "../media/parse-transformation";
import { type OutputFormat, type RenderOptions, renderToPath } from "../media/render-image";

/** Renders in progress, by cache file, so concurrent identical requests render once. */
const rendering = new Map<string, Promise<void>>();

export interface CachedRender {
  path: string;
  format: OutputFormat;
  /** The cache key: also the response's ETag. */
  key: string;
}

/** `<dataDir>/cache`: rendered images, and the video frames they are made from. */
export const cacheDir = (ctx: EmulatorContext): string => join(ctx.options.dataDir, "cache");

/**
 * Renders `steps` applied to `input` into `<dataDir>/cache/<key>.<format>` once (temp file +
 * rename, so a reader never sees a partial image); later requests stream the cached file. The
 * caller's key must cover everything the output depends on. A `TransformationError` or an
 * undecodable input is answered 400.
 */
export async function renderCached(
  ctx: EmulatorContext,
  request: {
    key: string;
    format: OutputFormat;
    input: string;
    steps: readonly TransformationStep[];
    options?: RenderOptions;
  },
): Promise<CachedRender> {
  const { key, format } = request;
  const dir = cacheDir(ctx);
  const path = join(dir, `${key}.${format}`);
  if (await exists(path)) return { path, format, key };

  let job = rendering.get(path);
  if (!job) {
    job = (async () => {
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `${key}.${randomBytes(6).toString("hex")}.tmp`);
      try {
        await renderToPath(request.input, request.steps, temp, {
          ...request.options,
          defaultFormat: format,
        });
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        if (error instanceof TransformationError) throw new ImageKitError(400, error.message);
        // sharp could not decode the stored file (e.g. a truncated image stored as-is).
        throw new ImageKitError(400, "The transformation could not be applied to this file.");
      }
    })().finally(() => rendering.delete(path));
    rendering.set(path, job);
  }
  await job;
  return { path, format, key };
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
