export interface DownscaleImageOptions {
  maxWidth: number;
  maxHeight: number;
  /** Encoder quality for JPEG and WebP, 0..1. Default 0.85. */
  quality?: number;
  /** Output MIME type. Default: the file's own when a canvas can encode it, else JPEG. */
  type?: string;
}

/** What a canvas encodes everywhere; anything else is re-encoded as JPEG unless asked otherwise. */
const ENCODABLE = ["image/jpeg", "image/png", "image/webp"];
/** Decodable, but a canvas would flatten them: animation (GIF) or vectors (SVG). */
const KEPT_AS_IS = ["image/gif", "image/svg+xml"];
const EXTENSIONS: Record<string, string> = {
  "image/jpeg": ".jpg",
  "image/png": ".png",
  "image/webp": ".webp",
};

/**
 * The size an image of `width` × `height` is drawn at to fit within the limits, keeping its
 * aspect ratio; undefined when it already fits (it is never scaled up).
 */
export function fitWithin(
  width: number,
  height: number,
  maxWidth: number,
  maxHeight: number,
): { width: number; height: number } | undefined {
  const scale = Math.min(maxWidth / width, maxHeight / height);
  if (!(scale < 1)) return undefined;
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** The type to encode to: the caller's choice, else the file's own when a canvas can write it. */
export function downscaleOutputType(fileType: string, requested?: string): string {
  if (requested) return requested;
  return ENCODABLE.includes(fileType) ? fileType : "image/jpeg";
}

/**
 * The name of the re-encoded file: unchanged when the type is, else with the new type's
 * extension (`photo.heic` → `photo.jpg`), since the server also checks `accept` by extension.
 */
export function renameForType(name: string, fromType: string, toType: string): string {
  const extension = EXTENSIONS[toType];
  if (fromType === toType || !extension) return name;
  const dot = name.lastIndexOf(".");
  return `${dot > 0 ? name.slice(0, dot) : name}${extension}`;
}

/**
 * Shrinks an image to fit `maxWidth` × `maxHeight` before upload, for `onBeforeUpload`:
 *
 * ```ts
 * onBeforeUpload: (files) =>
 *   Promise.all(files.map((file) => downscaleImage(file, { maxWidth: 2048, maxHeight: 2048 })))
 * ```
 *
 * Returns the file itself when it is not an image, is a GIF or SVG, already fits, or cannot be
 * decoded here (e.g. HEIC outside Safari): the server's checks still apply to what is sent.
 */
export async function downscaleImage(file: File, options: DownscaleImageOptions): Promise<File> {
  if (!file.type.startsWith("image/") || KEPT_AS_IS.includes(file.type)) return file;
  if (typeof createImageBitmap !== "function") return file;
  let bitmap: ImageBitmap;
  try {
    // "from-image" applies the EXIF orientation, so a portrait photo stays upright.
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file;
  }
  try {
    const size = fitWithin(bitmap.width, bitmap.height, options.maxWidth, options.maxHeight);
    if (!size) return file;
    const type = downscaleOutputType(file.type, options.type);
    const blob = await drawScaled(bitmap, size, type, options.quality ?? 0.85);
    if (!blob) return file;
    // A browser that cannot write `type` falls back to PNG: name the file after what it got.
    return new File([blob], renameForType(file.name, file.type, blob.type), {
      type: blob.type,
      lastModified: file.lastModified,
    });
  } finally {
    bitmap.close();
  }
}

async function drawScaled(
  bitmap: ImageBitmap,
  size: { width: number; height: number },
  type: string,
  quality: number,
): Promise<Blob | null> {
  // OffscreenCanvas keeps working in a worker; the DOM canvas is for browsers without it.
  if (typeof OffscreenCanvas !== "undefined") {
    const canvas = new OffscreenCanvas(size.width, size.height);
    const context = canvas.getContext("2d");
    if (!context) return null;
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, size.width, size.height);
    return canvas.convertToBlob({ type, quality });
  }
  if (typeof document === "undefined") return null;
  const canvas = document.createElement("canvas");
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext("2d");
  if (!context) return null;
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, size.width, size.height);
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}
