// SI units, as `formatFileSize` shows them (1 kB = 1000 bytes): "4MB" is 4,000,000 bytes and
// reads back as "4 MB". Binary units are read when written so: "4MiB" is 4,194,304.
const UNITS = {
  B: 1,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
} as const;

type Unit = "B" | "kB" | "KB" | "MB" | "GB" | "KiB" | "MiB" | "GiB";

/**
 * A size as users write it in restrictions: a byte count, or `"25MB"`, `"512 kB"`, `"1.5GB"`
 * (SI: 1 kB = 1000 bytes), or `"4MiB"` (binary: 1 KiB = 1024 bytes).
 */
export type FileSize = number | `${number}${Unit}` | `${number} ${Unit}`;

/**
 * Turns a {@link FileSize} into bytes: `"4MB"` is 4,000,000 (SI, as `formatFileSize` shows
 * sizes), `"4MiB"` 4,194,304. The server's restrictions and the browser's checks both read it.
 */
export function parseFileSize(size: FileSize): number {
  if (typeof size === "number") {
    if (!Number.isFinite(size) || size < 0) throw new TypeError(`Invalid file size: ${size}`);
    return Math.floor(size);
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|[KMG]i?B)\s*$/i.exec(size);
  if (!match) throw new TypeError(`Invalid file size: "${size}" (expected e.g. "25MB")`);
  const unit = (match[2] as string).toUpperCase() as keyof typeof UNITS;
  // 15 significant digits drop the float noise: "2.01kB" is 2010, not 2009.9999999999998.
  return Math.floor(Number((Number(match[1]) * UNITS[unit]).toPrecision(15)));
}
