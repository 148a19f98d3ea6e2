/** The longest display name, in characters (code points), after trimming. */
export const MAX_DISPLAY_NAME_LENGTH = 64;

export type DisplayNameCheck = { ok: true; name: string } | { ok: false; message: string };

// Letters and their combining marks in any script, digits, and what names are written with:
// spaces, apostrophes (' ’), hyphens (- ‐ ‑), dots (. · ・) and `_` (for names signed in before).
// ZWNJ and ZWJ are part of how Persian and Indic names are spelled. Anything else, control and
// bidi characters included, is refused: the name is shown to people and must read as it is.
const NAME = /^[\p{L}\p{M}\p{N} '’.\-‐‑·・_\u200c\u200d]+$/u;
const CONTROL = /\p{Cc}/u;

/**
 * A display name as people write it ("Jane Doe", "Zoë Ångström-李"), checked and made canonical:
 * NFC (so a composed "ë" and an "e" with a combining diaeresis are one name), trimmed, runs of
 * spaces made one (so two names that look the same are the same). What the cookie holds, and
 * what the server checks again on every request.
 */
export function checkDisplayName(value: unknown): DisplayNameCheck {
  if (typeof value !== "string") return { ok: false, message: "Enter your name." };
  const name = value
    .normalize("NFC")
    .trim()
    .replace(/\p{Zs}+/gu, " ");
  if (name === "") return { ok: false, message: "Enter your name." };
  if ([...name].length > MAX_DISPLAY_NAME_LENGTH) {
    return { ok: false, message: `Use at most ${MAX_DISPLAY_NAME_LENGTH} characters.` };
  }
  if (CONTROL.test(name)) {
    return { ok: false, message: "A name may not contain control characters (tabs, line breaks)." };
  }
  if (!NAME.test(name)) {
    return {
      ok: false,
      message: "Use letters, digits, spaces, apostrophes, hyphens or dots.",
    };
  }
  return { ok: true, name };
}
