import sharp from "sharp";

/** A real PNG of the given size and colour, made at test time. */
export async function png(
  width = 64,
  height = 48,
  color = { r: 200, g: 30, b: 30, alpha: 1 },
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: color } })
    .png()
    .toBuffer();
}

export async function jpeg(width = 80, height = 60): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 40, b: 220 } } })
    .jpeg()
    .toBuffer();
}

export const blob = (data: Buffer, type = "application/octet-stream") =>
  new Blob([new Uint8Array(data)], { type });
