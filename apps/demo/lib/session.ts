/** The demo's sign-in: a display name in a cookie. Enough to make `authorize` real, not secure. */
export const SESSION_COOKIE = "upkit-demo-user";

/** The signed-in name from a request's cookies, or undefined. */
export function userOf(request: Request): string | undefined {
  const cookie = request.headers.get("cookie") ?? "";
  const match = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookie);
  const name = match?.[1] ? decodeURIComponent(match[1]) : undefined;
  return name && /^[A-Za-z0-9_-]{1,32}$/.test(name) ? name : undefined;
}
