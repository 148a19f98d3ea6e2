import { z } from "zod";

// ImageKit joins tags with commas and refuses `%`, so neither may be inside one tag.
const tag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[^,%]+$/, "A tag may not contain a comma or %");

/** What the gallery's form sends with each upload: the profile's `input`, checked on the server. */
export const galleryInputSchema = z.object({
  tags: z.array(tag).max(10),
  caption: z.string().trim().min(1).max(200).optional(),
  rating: z.number().int().min(1).max(5).optional(),
});

export type GalleryInput = z.input<typeof galleryInputSchema>;

/** The file's custom metadata: only the values given (ImageKit takes no `undefined`), or none. */
export function galleryCustomMetadata(
  input: z.output<typeof galleryInputSchema>,
): Record<string, string | number> | undefined {
  const metadata: Record<string, string | number> = {};
  if (input.caption !== undefined) metadata.caption = input.caption;
  if (input.rating !== undefined) metadata.rating = input.rating;
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}
