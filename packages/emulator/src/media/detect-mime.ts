import { fileTypeFromFile } from "file-type";
import type { MediaInfo } from "./media-info";
import { readAt } from "./read-at";

/** Text formats have no magic number: ImageKit (and the emulator) goes by the extension. */
const TEXT_TYPES: Readonly<Record<string, string>> = {
  txt: "text/plain",
  log: "text/plain",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  html: "text/html",
  htm: "text/html",
  css: "text/css",
  js: "application/javascript",
  mjs: "application/javascript",
  json: "application/json",
  xml: "application/xml",
  svg: "image/svg+xml",
  md: "text/markdown",
  yaml: "application/yaml",
  yml: "application/yaml",
  ics: "text/calendar",
  vtt: "text/vtt",
  srt: "application/x-subrip",
};

export async function detectMime(path: string, fileName: string): Promise<string> {
  try {
    // fileTypeFromFile reads only the bytes it needs from the start of the file.
    const detected = await fileTypeFromFile(path);
    // An XML prolog is all file-type sees of SVG, XHTML, RSS...: text formats, typed by extension.
    if (detected?.mime === "application/xml") return textType(fileName) ?? detected.mime;
    if (detected) return detected.mime;
  } catch {
    // A truncated container can make file-type give up; the signature check below still works.
  }
  const sniffed = await sniffSignature(path);
  if (sniffed) return sniffed;
  return textType(fileName) ?? "application/octet-stream";
}

function textType(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf(".");
  return TEXT_TYPES[dot > 0 ? fileName.slice(dot + 1).toLowerCase() : ""];
}

/**
 * Image signatures file-type cannot confirm on a truncated file (it wants the first chunk, not
 * just the signature): enough to call `iVBORw0KGgoAAAAN` (a cut-off PNG) `image/png`.
 */
const SIGNATURES: readonly { bytes: readonly number[]; mime: string; min: number }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], mime: "image/png", min: 3 },
  { bytes: [0xff, 0xd8, 0xff], mime: "image/jpeg", min: 3 },
  { bytes: [0x47, 0x49, 0x46, 0x38], mime: "image/gif", min: 4 },
  { bytes: [0x42, 0x4d], mime: "image/bmp", min: 2 },
];

async function sniffSignature(path: string): Promise<string | undefined> {
  const head = await readAt(path, 0, 16);
  if (head.length >= 12 && head.toString("latin1", 0, 4) === "RIFF") {
    if (head.toString("latin1", 8, 12) === "WEBP") return "image/webp";
  }
  for (const { bytes, mime, min } of SIGNATURES) {
    const n = Math.min(bytes.length, head.length);
    if (n < min) continue;
    if (bytes.slice(0, n).every((b, i) => head[i] === b)) return mime;
  }
  return undefined;
}

export function kindOf(mime: string): MediaInfo["kind"] {
  if (mime.startsWith("image/")) return "image";
  if (mime.startsWith("video/")) return "video";
  if (mime.startsWith("audio/")) return "audio";
  return "other";
}
