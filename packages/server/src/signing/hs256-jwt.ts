import { hmacSha256Base64url, textToBase64url } from "./hmac";

/**
 * An HS256 JWT (RFC 7519) signed with a secret string's UTF-8 bytes: the header as given, then
 * `claims` with `iat` and `exp` last (as jose's `SignJWT` writes them). Built by hand because
 * signing is all the sign route needs of jose, and jose's builder costs about three times the
 * HMAC itself; tokens are still read with jose's `jwtVerify`.
 */
export function signHs256Jwt(
  secret: string,
  header: { typ: "JWT"; kid?: string },
  claims: Record<string, unknown>,
  issuedAt: number,
  expiresAt: number,
): Promise<string> {
  const head = textToBase64url(JSON.stringify({ alg: "HS256", ...header }));
  const body = textToBase64url(JSON.stringify({ ...claims, iat: issuedAt, exp: expiresAt }));
  const input = `${head}.${body}`;
  return hmacSha256Base64url(secret, input).then((signature) => `${input}.${signature}`);
}
