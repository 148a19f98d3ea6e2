import { checkDisplayName } from "./display-name";
import { folderSlug } from "./folder-slug";

/** The demo's sign-in: a display name in a cookie. Enough to make `authorize` real, not secure. */
export const SESSION_COOKIE = "upkit-demo-user";

/** Who is signed in: the name as shown, and the folder name made from it. */
export interface SessionUser {
  name: string;
  slug: string;
}

/** The `set-cookie` header that signs in a checked, canonical name (`checkDisplayName`). */
export const signInCookie = (name: string) =>
  `${SESSION_COOKIE}=${encodeURIComponent(name)}; Path=/; SameSite=Lax; HttpOnly`;

export const signOutCookie = () => `${SESSION_COOKIE}=; Path=/; SameSite=Lax; HttpOnly; Max-Age=0`;

/**
 * The signed-in user from a `cookie` header, or undefined. The cookie is the browser's to change:
 * its name is decoded and checked again, and taken only as the sign-in wrote it (canonical).
 */
export function readSession(cookieHeader: string | null | undefined): SessionUser | undefined {
  const prefix = `${SESSION_COOKIE}=`;
  const raw = (cookieHeader ?? "")
    .split(";")
    .map((pair) => pair.trim())
    .find((pair) => pair.startsWith(prefix))
    ?.slice(prefix.length);
  if (!raw) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  const checked = checkDisplayName(decoded);
  if (!checked.ok || checked.name !== decoded) return undefined;
  return { name: checked.name, slug: folderSlug(checked.name) };
}

/** The signed-in user of a request, or undefined. */
export const userOf = (request: Request) => readSession(request.headers.get("cookie"));
