import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { FileInfo, Restrictions, Transport, UploadOptions, UploadResult } from "@upkit/core";

/** A per-profile rate limit: `limit` requests per `windowMs` for one key (default: the client IP). */
export interface RateLimit<TCtx> {
  limit: number;
  windowMs: number;
  key?: (request: Request, ctx: TCtx) => string;
}

/**
 * One upload profile: who may upload (`authorize`), what the browser may send (`input`), the
 * ImageKit options the server decides (`options`), and what runs once a file is stored
 * (`onUploadComplete`, whose return value reaches the browser, typed).
 */
export interface Profile<TCtx = undefined, TInput = undefined, TData = undefined> {
  restrictions?: Restrictions;
  /** Default `["direct"]`. */
  transports?: Transport[];
  /** Any Standard Schema (zod, valibot, arktype...) for the browser's `input`. */
  input?: StandardSchemaV1<unknown, TInput>;
  /** Runs before any signing or byte; throw (e.g. an `UploadError("unauthorized", ...)`) to refuse. */
  authorize?: (request: Request) => TCtx | Promise<TCtx>;
  /** The ImageKit options of one file; the browser cannot change them. */
  options?: (args: {
    ctx: TCtx;
    input: TInput;
    file: FileInfo;
  }) => UploadOptions | Promise<UploadOptions>;
  onUploadComplete?: (args: {
    ctx: TCtx;
    input: TInput;
    file: UploadResult;
    request: Request;
  }) => TData | Promise<TData>;
  /** Default: 300 requests a minute per client IP; `false` turns it off. */
  rateLimit?: RateLimit<TCtx> | false;
}

// biome-ignore lint/suspicious/noExplicitAny: the widest profile, for constraints only.
export type AnyProfile = Profile<any, any, any>;

// biome-ignore lint/suspicious/noExplicitAny: matches any ctx.
export type ProfileInput<P> = P extends Profile<any, infer I, any> ? I : never;
// biome-ignore lint/suspicious/noExplicitAny: matches any ctx.
export type ProfileData<P> = P extends Profile<any, any, infer D> ? D : never;

/**
 * `T`, in a form the compiler cannot infer `T` from. On `defineProfile`'s result it keeps the
 * types from coming from where the result is used (`AnyProfile`, so `any`) when the profile has
 * nothing to infer them from (no authorize, input or onUploadComplete): the defaults apply.
 * Unlike `NoInfer<T>`, it resolves to `T` itself, which the client's types can take apart: a
 * `NoInfer` wrapper hid an optional schema's `| undefined` and showed in every error message.
 */
type Exactly<T> = [T] extends [infer U] ? U : never;

/**
 * Declares a profile with its types inferred: `ctx` from `authorize`, `input` from the schema,
 * and the completion data from `onUploadComplete`.
 */
export function defineProfile<TCtx = undefined, TInput = undefined, TData = undefined>(
  profile: Profile<TCtx, TInput, TData>,
): Profile<Exactly<TCtx>, Exactly<TInput>, Exactly<TData>> {
  return profile as Profile<Exactly<TCtx>, Exactly<TInput>, Exactly<TData>>;
}
