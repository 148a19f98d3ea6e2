const UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 } as const;

/** A size as users write it in restrictions: a byte count, or `"25MB"`, `"512 KB"`, `"1.5GB"`. */
export type FileSize =
  | number
  | `${number}${"B" | "KB" | "MB" | "GB"}`
  | `${number} ${"B" | "KB" | "MB" | "GB"}`;

/** Turns a {@link FileSize} into bytes (binary units, as browsers and ImageKit's limits count them). */
export function parseFileSize(size: FileSize): number {
  if (typeof size === "number") {
    if (!Number.isFinite(size) || size < 0) throw new TypeError(`Invalid file size: ${size}`);
    return Math.floor(size);
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)\s*$/i.exec(size);
  if (!match) throw new TypeError(`Invalid file size: "${size}" (expected e.g. "25MB")`);
  const unit = (match[2] as string).toUpperCase() as keyof typeof UNITS;
  return Math.floor(Number(match[1]) * UNITS[unit]);
}
