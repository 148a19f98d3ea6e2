import { stat } from "node:fs/promises";
import { detectMime, kindOf } from "./detect-mime";
import type { MediaInfo } from "./media-info";
import { probeImage } from "./probe-image";
import { probeVideo } from "./probe-video";

/**
 * Learns what a stored file really is, from its bytes: ImageKit detects binary files by magic
 * number and text files by extension. Never throws for bad content: a broken or truncated image
 * is stored as-is by ImageKit, so the result then carries only what could be known.
 * Files are read through sharp / exifr / positional reads, never loaded whole into memory.
 */
export async function probeFile(path: string, fileName: string): Promise<MediaInfo> {
  const size = (await stat(path)).size;
  const mime = await detectMime(path, fileName);
  const kind = kindOf(mime);
  const base: MediaInfo = {
    mime,
    fileType: mime.startsWith("image/") ? "image" : "non-image",
    kind,
    embeddedMetadata: {},
    metadata: {},
  };
  if (kind === "image") return probeImage(path, size, base);
  if (kind === "video") return probeVideo(path, size, base);
  return base;
}
