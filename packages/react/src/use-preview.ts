import { type RefObject, useEffect, useState } from "react";

export type PreviewKind = "image" | "video" | "icon";

export interface Preview {
  kind: PreviewKind;
  /** An object URL (revoked on unmount or when the file changes); undefined until made. */
  url: string | undefined;
}

// One observer for every preview: 1,000 rows must not mean 1,000 observers.
const waiting = new Map<Element, () => void>();
let observer: IntersectionObserver | undefined;

function whenVisible(element: Element, callback: () => void): () => void {
  if (typeof IntersectionObserver === "undefined") {
    callback();
    return () => {};
  }
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        waiting.get(entry.target)?.();
        waiting.delete(entry.target);
        observer?.unobserve(entry.target);
      }
    },
    { rootMargin: "200px" },
  );
  waiting.set(element, callback);
  observer.observe(element);
  return () => {
    waiting.delete(element);
    observer?.unobserve(element);
  };
}

// Decoding is heavy: at most two thumbnails at a time, the rest wait their turn.
let running = 0;
const queue: (() => void)[] = [];
async function limited<T>(task: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    queue.shift()?.();
  }
}

/**
 * A small thumbnail of an image: decoded and scaled by `createImageBitmap` (off the main thread
 * in the browsers that have it), drawn on a canvas, kept as a small blob. Falls back to the file
 * itself where any step is missing or fails (SVG, old browsers, jsdom).
 */
async function thumbnailUrl(file: File, width: number): Promise<string> {
  if (typeof createImageBitmap === "function" && file.type !== "image/svg+xml") {
    try {
      const bitmap = await createImageBitmap(file, {
        resizeWidth: width,
        resizeQuality: "medium",
      });
      const blob = await toBlob(bitmap);
      bitmap.close();
      if (blob) return URL.createObjectURL(blob);
    } catch {
      // Not decodable here (e.g. HEIC): the browser may still show the file itself.
    }
  }
  return URL.createObjectURL(file);
}

async function toBlob(bitmap: ImageBitmap): Promise<Blob | null> {
  if (typeof OffscreenCanvas === "function") {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext("2d")?.drawImage(bitmap, 0, 0);
    return canvas.convertToBlob({ type: "image/webp", quality: 0.8 });
  }
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext("2d")?.drawImage(bitmap, 0, 0);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/webp", 0.8));
}

export function previewKind(file: Pick<File, "type">): PreviewKind {
  if (file.type.startsWith("image/")) return "image";
  if (file.type.startsWith("video/")) return "video";
  return "icon";
}

/**
 * A preview of a local file, made once its element comes near the viewport: a downscaled
 * thumbnail for images, an object URL for videos (shown as a poster frame), nothing for other
 * files (show an icon). Object URLs are revoked when the file changes or the part unmounts.
 */
export function usePreview(file: File, element: RefObject<Element | null>, width = 128): Preview {
  const kind = previewKind(file);
  const [visible, setVisible] = useState(false);
  const [url, setUrl] = useState<string>();

  useEffect(() => {
    if (kind === "icon" || !element.current) return;
    return whenVisible(element.current, () => setVisible(true));
  }, [kind, element]);

  useEffect(() => {
    if (!visible || kind === "icon" || typeof URL.createObjectURL !== "function") return;
    let active = true;
    let made: string | undefined;
    const scale = typeof devicePixelRatio === "number" ? Math.min(devicePixelRatio, 3) : 1;
    const making =
      kind === "image"
        ? limited(() => thumbnailUrl(file, Math.round(width * scale)))
        : Promise.resolve(URL.createObjectURL(file));
    making.then(
      (value) => {
        if (active) {
          made = value;
          setUrl(value);
        } else URL.revokeObjectURL(value);
      },
      () => {},
    );
    return () => {
      active = false;
      if (made) URL.revokeObjectURL(made);
      setUrl(undefined);
    };
  }, [file, kind, visible, width]);

  return { kind, url };
}
