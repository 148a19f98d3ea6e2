import { createHmac } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from "jose";
import { basicAuthKey, safeEqual } from "../http/basic-auth";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import type { ResolvedOptions } from "../options";
import type { TokenLedger } from "../storage/token-ledger";

export type UploadAuth =
  | { kind: "basic" }
  | { kind: "signature"; token: string }
  | { kind: "jwt"; token: string };

/** Fields that carry client-side auth: never stored, never compared with a JWT's claims. */
const V1_AUTH_FIELDS = ["publicKey", "signature", "expire", "token"];

interface Input {
  req: IncomingMessage;
  fields: Record<string, string>;
  api: "v1" | "v2";
  options: ResolvedOptions;
  tokens: TokenLedger;
  now: number;
}

/**
 * Decides who is uploading, as ImageKit does: Basic auth with the private key (server side), a v1
 * signature (`publicKey`, `token`, `expire`, `signature`), or on the v2 endpoint a JWT `token`
 * binding every other field. Tokens are single use.
 */
export async function authenticateUpload({
  req,
  fields,
  api,
  options,
  tokens,
  now,
}: Input): Promise<UploadAuth> {
  const basic = req.headers.authorization !== undefined ? basicAuthKey(req) : undefined;
  if (api === "v2") {
    if (basic !== undefined && fields.token !== undefined)
      throw new ImageKitError(400, MESSAGES.bothTokenAndBasic);
    if (basic !== undefined) return checkBasic(basic, options);
    if (fields.token === undefined || fields.token === "")
      throw new ImageKitError(400, MESSAGES.missingToken);
    await verifyJwt(fields, options, now);
    if (!tokens.use(fields.token, now))
      throw new ImageKitError(400, MESSAGES.tokenUsed(fields.token));
    return { kind: "jwt", token: fields.token };
  }

  const clientSide = V1_AUTH_FIELDS.some((name) => fields[name] !== undefined);
  if (basic !== undefined && clientSide)
    throw new ImageKitError(400, MESSAGES.bothSignatureAndBasic);
  if (basic !== undefined) return checkBasic(basic, options);
  if (!clientSide) throw new ImageKitError(401, MESSAGES.missingPrivateKey);

  const [publicKey, signature, expire, token] = V1_AUTH_FIELDS.map((name) => {
    const value = fields[name];
    if (!value) throw new ImageKitError(400, MESSAGES.missingParameter(name));
    return value;
  }) as [string, string, string, string];
  if (!safeEqual(publicKey, options.publicKey))
    throw new ImageKitError(403, MESSAGES.cannotAuthenticate);
  const expireAt = Number(expire);
  // Documented: a Unix time (seconds) less than one hour into the future. A past one is refused
  // with the same message (emulator choice).
  if (!/^\d+$/.test(expire) || expireAt <= now || expireAt >= now + 3600) {
    throw new ImageKitError(400, MESSAGES.invalidExpire);
  }
  const expected = createHmac("sha1", options.privateKey)
    .update(token + expire)
    .digest("hex");
  if (!safeEqual(signature.toLowerCase(), expected))
    throw new ImageKitError(400, MESSAGES.invalidSignature);
  if (!tokens.use(token, now)) throw new ImageKitError(400, MESSAGES.tokenUsed(token));
  return { kind: "signature", token };
}

function checkBasic(key: string, options: ResolvedOptions): UploadAuth {
  if (key === "") throw new ImageKitError(401, MESSAGES.missingPrivateKey);
  if (!safeEqual(key, options.privateKey))
    throw new ImageKitError(403, MESSAGES.cannotAuthenticate);
  return { kind: "basic" };
}

/**
 * The v2 token: HS256 with the private key, `kid` = the public key, `iat` and `exp` required with
 * `exp - iat` ≤ 3600, and its claims equal to the sent fields (both ways: no field may be added,
 * changed or left out).
 */
async function verifyJwt(
  fields: Record<string, string>,
  options: ResolvedOptions,
  now: number,
): Promise<void> {
  const token = fields.token as string;
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== "HS256") throw new Error("alg");
    kid = header.kid;
  } catch {
    throw new ImageKitError(400, MESSAGES.invalidToken);
  }
  if (kid === undefined || !safeEqual(kid, options.publicKey))
    throw new ImageKitError(400, MESSAGES.invalidToken);

  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(options.privateKey), {
      algorithms: ["HS256"],
      currentDate: new Date(now * 1000),
      requiredClaims: ["iat", "exp"],
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new ImageKitError(400, MESSAGES.expiredToken);
    throw new ImageKitError(400, MESSAGES.invalidToken);
  }
  const { iat, exp, ...claims } = payload as { iat: unknown; exp: unknown } & Record<
    string,
    unknown
  >;
  if (typeof iat !== "number" || typeof exp !== "number" || exp - iat > 3600 || exp <= iat) {
    throw new ImageKitError(400, MESSAGES.invalidToken);
  }
  const sent = Object.entries(fields).filter(([name]) => name !== "token");
  const sentNames = new Set(sent.map(([name]) => name));
  const claimNames = Object.keys(claims);
  const matches =
    sent.every(([name, value]) => typeof claims[name] === "string" && claims[name] === value) &&
    claimNames.every((name) => sentNames.has(name));
  if (!matches) throw new ImageKitError(400, MESSAGES.payloadMismatch);
}
