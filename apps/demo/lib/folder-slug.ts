import { createHash } from "node:crypto";

/** The longest slug: short enough for a path segment, long enough to recognise the name. */
export const MAX_SLUG_LENGTH = 32;
const HASH_LENGTH = 6;

// Latin letters that NFKD does not split into a base letter and a mark.
const SPELLED_OUT: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ħ: "h",
};

// A slug ending like a hash suffix is always given one, so that no name typed as a slug
// ("user-3fa9c2") can take the folder of a name that needed one.
const HASH_SUFFIX = new RegExp(`-[0-9a-f]{${HASH_LENGTH}}$`);

/**
 * A safe, stable folder name for a display name: `[a-z0-9-]`, at most 32 characters.
 *
 * NFKD, diacritics dropped, lower case, a few Latin letters spelled out (ß → ss), every run of
 * anything else made one `-`, trimmed. A name that is already its own slug ("ada", "jane-doe")
 * keeps it; any other ("Jane Doe", "Zoë Ångström-李") lost something on the way, so its slug gets
 * the first 6 hex digits of the name's SHA-256 ("jane-doe-…"), cut to fit: two names share a
 * folder only if those digits collide. A name with nothing left ("李雷") is `user-<hash>`.
 */
export function folderSlug(displayName: string): string {
  const name = displayName.normalize("NFC");
  const base = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[ßæœøłđðþıħ]/g, (letter) => SPELLED_OUT[letter] ?? "-")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (base === name && base.length <= MAX_SLUG_LENGTH && !HASH_SUFFIX.test(base)) return base;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, HASH_LENGTH);
  const head = base.slice(0, MAX_SLUG_LENGTH - HASH_LENGTH - 1).replace(/-+$/, "");
  return `${head || "user"}-${hash}`;
}

/** Where a user's own files go (the avatar). */
export const userFolder = (slug: string) => `/demo/users/${slug}`;
