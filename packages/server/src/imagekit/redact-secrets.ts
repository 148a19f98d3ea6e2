export interface Redactor {
  /** The text with every secret replaced by `[redacted]`. */
  text(value: string): string;
  /** A parsed JSON value with every secret in its strings replaced (a copy; the input is kept). */
  json<T>(value: T): T;
  /**
   * A stand-in for a caught error, safe to keep as `cause`: name, redacted message, `code` and
   * the same for its causes, nothing else. Fetch errors can hold the request (headers included)
   * or a socket; a stand-in cannot leak what it does not have.
   */
  cause(error: unknown): Error | undefined;
}

/** Keeps secrets (the private key, the Authorization value) out of anything that may be shown. */
export function createRedactor(secrets: string[]): Redactor {
  // Longest first, so a secret containing another is replaced whole.
  const list = [...new Set(secrets.filter((secret) => secret.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  const text = (value: string) =>
    list.reduce((result, secret) => result.split(secret).join("[redacted]"), value);

  const cause = (error: unknown, depth = 0): Error | undefined => {
    if (!(error instanceof Error) || depth > 4) return undefined;
    const copy = new Error(text(error.message));
    copy.name = error.name;
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" || typeof code === "number") Object.assign(copy, { code });
    const inner = cause(error.cause, depth + 1);
    if (inner) copy.cause = inner;
    return copy;
  };

  const json = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(json);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [text(key), json(item)]),
      );
    return value;
  };

  return { text, json: <T>(value: T) => json(value) as T, cause };
}
