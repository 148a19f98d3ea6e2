import type { MediaInfo } from "../media/media-info";
import { BASIC_COLORS } from "../media/parse-transformation";

/**
 * What the emulator's AI stand-ins "see" in an image: facts it reads from the real pixels and
 * header, in four categories, each a small closed vocabulary of lower-case words. Deterministic:
 * the same bytes always give the same facts.
 */
const CATEGORIES = {
  colour: [...Object.keys(BASIC_COLORS), "grey"],
  format: ["jpeg", "jpg", "png", "gif", "webp", "avif", "svg", "tiff", "heic", "heif", "bmp"],
  transparency: ["transparent", "opaque"],
  orientation: ["landscape", "portrait", "square"],
} as const;

type Category = keyof typeof CATEGORIES;

/** The image's word in each category it has one for (`jpg` and `grey` also count). */
export function imageFacts(media: MediaInfo): Record<Category, string[]> {
  const colour = media.dominantColor ? [media.dominantColor] : [];
  if (media.dominantColor === "gray") colour.push("grey");
  const subtype = (media.mime.split("/")[1] ?? "").replace(/\+xml$/, "");
  const format = subtype ? [subtype] : [];
  if (subtype === "jpeg") format.push("jpg");
  const width = media.width ?? 0;
  const height = media.height ?? 0;
  return {
    colour,
    format,
    transparency: [media.hasAlpha ? "transparent" : "opaque"],
    orientation: [width > height ? "landscape" : width < height ? "portrait" : "square"],
  };
}

/** Every fact word of the image, in a fixed order (colour, format, transparency, orientation). */
export function factWords(media: MediaInfo): string[] {
  return Object.values(imageFacts(media)).flat();
}

const words = (text: string) => text.toLowerCase().match(/[a-z]+/g) ?? [];

/** Whether a vocabulary item names one of the image's facts (any of its words). */
export function matchesFacts(item: string | number | boolean, media: MediaInfo): boolean {
  const facts = new Set(factWords(media));
  return words(String(item)).some((word) => facts.has(word));
}

/**
 * The stand-in's answer to a yes/no question: the categories the instruction names a word of
 * ("Is the background white?" names a colour) are compared with the image; `yes` when every named
 * category holds, `no` when one does not, `unknown` when the instruction names none.
 */
export function answerYesNo(instruction: string, media: MediaInfo): "yes" | "no" | "unknown" {
  const asked = new Set(words(instruction));
  const facts = imageFacts(media);
  let named = false;
  for (const category of Object.keys(CATEGORIES) as Category[]) {
    const mentioned = CATEGORIES[category].filter((word) => asked.has(word));
    if (mentioned.length === 0) continue;
    named = true;
    if (!mentioned.some((word) => facts[category].includes(word))) return "no";
  }
  return named ? "yes" : "unknown";
}
