/**
 * What a route handler tells the browser about one profile, in types only: the `input` the
 * browser sends and the `data` its `onUploadComplete` resolves to (as `UploadFile.data`).
 */
export interface ProfileContract<TInput = unknown, TData = unknown> {
  input: TInput;
  data: TData;
}

/**
 * The brand on a route handler's type: the contracts of its profiles, by name. `@upkit/server`'s
 * `createUploadHandler` returns a type carrying it and `@upkit/react` reads it, so neither
 * package's published types name the other. The property exists in types only, never at run
 * time. A string key rather than a `unique symbol`: the server's and the client's copies of
 * `@upkit/core` in one app may be two copies (or two versions), and must still agree on it.
 */
export interface HandlerContract<
  TProfiles extends Record<string, ProfileContract> = Record<string, ProfileContract>,
> {
  readonly "~upkit": { readonly profiles: TProfiles };
}

/** What a forgotten generic reads as, where a profile name was expected. */
export type MissingHandlerType =
  "Pass typeof yourHandler: createUploadComponents<typeof uploads>()";

type ContractsOf<THandler> = THandler extends HandlerContract<infer TProfiles> ? TProfiles : never;

/** The handler's profile names, or the hint to pass the handler's type. */
export type ProfileOf<THandler> = [THandler] extends [HandlerContract]
  ? keyof ContractsOf<THandler> & string
  : MissingHandlerType;

/**
 * The type as it reads best in an editor and in error messages: each object of it spelled out
 * (`{ alt: string }` rather than the schema library's name for it). Distributes over a union, so
 * an optional or nullable input keeps its `| undefined` / `| null`, and each member of a
 * discriminated union keeps its own properties.
 */
type Unwrap<T> = T extends undefined
  ? undefined
  : T extends null
    ? null
    : T extends object
      ? { [K in keyof T]: T[K] }
      : T;

/** What the browser sends as `input` for a profile (its schema's input). */
export type InputFor<THandler, TProfile> = TProfile extends keyof ContractsOf<THandler>
  ? Unwrap<ContractsOf<THandler>[TProfile]["input"]>
  : never;

/** What the profile's `onUploadComplete` resolves to, as `UploadFile.data`. */
export type DataFor<THandler, TProfile> = TProfile extends keyof ContractsOf<THandler>
  ? Unwrap<ContractsOf<THandler>[TProfile]["data"]>
  : never;
