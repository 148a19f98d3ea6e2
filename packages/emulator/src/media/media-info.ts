/** What the emulator learns from a file's real bytes (never from the name or declared type alone). */
export interface MediaInfo {
  /** MIME type by magic bytes; text files by extension; unknown: `application/octet-stream`. */
  mime: string;
  /** ImageKit's `fileType`: `image` for images, `non-image` for everything else (video too). */
  fileType: "image" | "non-image";
  /** Broad kind, for limits and transformation rules. */
  kind: "image" | "video" | "audio" | "other";
  width?: number;
  height?: number;
  hasAlpha?: boolean;
  /** EXIF orientation (1-8) where present. */
  orientation?: number;
  /** Consolidated EXIF / IPTC / XMP tags, as ImageKit's `embeddedMetadata`. `{}` when none. */
  embeddedMetadata: Record<string, unknown>;
  /** ImageKit's legacy `metadata` block (images: height, width, size, format, ...). */
  metadata: Record<string, unknown>;
  /** Videos only: duration (s), bitRate (bit/s), codecs, where the container tells them. */
  video?: { duration?: number; bitRate?: number; videoCodec?: string; audioCodec?: string };
  /** Dominant colour of an image as a CSS colour name, for the auto-tagging stand-in. */
  dominantColor?: string;
}
