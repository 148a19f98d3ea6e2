import sharp from "sharp";

/** Size of the placeholder when the video's own size is unknown (16:9). */
export const PLACEHOLDER_SIZE = { width: 640, height: 360 } as const;

/** Largest placeholder side: a damaged header may claim any size. */
const MAX_SIDE = 1920;

/**
 * The generic "video" picture served instead of a frame when none can be had (no ffmpeg, or a
 * file it cannot decode): a dark slate with a light play button, at the video's size where the
 * container tells it (fitted inside 1920 x 1920), so layouts and `tr:` sizes come out as they
 * would with a real frame. Written as a PNG to `outPath`.
 */
export async function writePlaceholderFrame(
  outPath: string,
  size?: { width?: number; height?: number },
): Promise<{ width: number; height: number }> {
  const { width, height } = placeholderSize(size);
  const unit = Math.min(width, height);
  const cx = width / 2;
  const cy = height / 2;
  const r = unit * 0.18;
  // The triangle's centroid sits on the circle's centre.
  const t = r * 0.55;
  const points = [
    [cx - t * 0.8, cy - t],
    [cx - t * 0.8, cy + t],
    [cx + t * 1.1, cy],
  ]
    .map(([x, y]) => `${(x as number).toFixed(1)},${(y as number).toFixed(1)}`)
    .join(" ");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect width="100%" height="100%" fill="#334155"/>
<circle cx="${cx}" cy="${cy}" r="${r.toFixed(1)}" fill="#cbd5e1"/>
<polygon points="${points}" fill="#334155"/>
</svg>`;
  await sharp(Buffer.from(svg)).png().toFile(outPath);
  return { width, height };
}

export function placeholderSize(size?: { width?: number; height?: number }): {
  width: number;
  height: number;
} {
  const w = size?.width;
  const h = size?.height;
  if (!w || !h || !(w > 0) || !(h > 0)) return { ...PLACEHOLDER_SIZE };
  const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
  return {
    width: Math.max(1, Math.round(w * scale)),
    height: Math.max(1, Math.round(h * scale)),
  };
}
