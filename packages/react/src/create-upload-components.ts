import type { CompletionDataOf, InputOf, ProfileName } from "@upkit/server";
import type { ReactNode } from "react";
import { Uploader, type UploaderParts, type UploaderProps } from "./uploader";
import { type UseUploaderOptions, type UseUploaderResult, useUploader } from "./use-uploader";

/** What a forgotten generic reads as, where a profile name was expected. */
export type MissingHandlerType =
  "Pass typeof yourHandler: createUploadComponents<typeof uploads>()";

type IsHandler<THandler> = THandler extends { readonly $profiles: Record<string, unknown> }
  ? true
  : false;

/** The handler's profile names, or the hint to pass the handler's type. */
export type ProfileOf<THandler> =
  IsHandler<THandler> extends true ? ProfileName<THandler> : MissingHandlerType;
/**
 * The type itself, without the `NoInfer` wrapper `defineProfile` leaves on it: wrapped, `T` does
 * not simplify in intersections (`(T | undefined) & T` stays as is instead of becoming `T`).
 */
type Unwrap<T> = T extends undefined
  ? undefined
  : T extends null
    ? null
    : T extends object
      ? { [K in keyof T]: T[K] }
      : T & {};
/** What the browser sends as `input` for a profile (its schema's input). */
export type InputFor<THandler, TProfile> =
  TProfile extends ProfileName<THandler> ? Unwrap<InputOf<THandler, TProfile>> : never;
/** What the profile's `onUploadComplete` returns, as `UploadFile.data`. */
export type DataFor<THandler, TProfile> =
  TProfile extends ProfileName<THandler> ? Unwrap<CompletionDataOf<THandler, TProfile>> : never;

export type TypedUploaderOptions<THandler, TProfile extends ProfileOf<THandler>> = Omit<
  UseUploaderOptions<InputFor<THandler, TProfile>, DataFor<THandler, TProfile>>,
  "profile"
> & { profile: TProfile };

export type TypedUploaderProps<THandler, TProfile extends ProfileOf<THandler>> = Omit<
  UploaderProps<InputFor<THandler, TProfile>, DataFor<THandler, TProfile>>,
  "profile"
> & { profile: TProfile };

export interface UploadComponents<THandler> {
  useUploader<TProfile extends ProfileOf<THandler>>(
    options: TypedUploaderOptions<THandler, TProfile>,
  ): UseUploaderResult<DataFor<THandler, TProfile>>;
  Uploader: (<TProfile extends ProfileOf<THandler>>(
    props: TypedUploaderProps<THandler, TProfile>,
  ) => ReactNode) &
    typeof UploaderParts;
}

/**
 * Binds the server handler's type once, so `profile` names, `input` and the completion `data`
 * are inferred: `export const { Uploader, useUploader } = createUploadComponents<typeof uploads>()`
 * with `import type { uploads } from "..."` (a type-only import: no server code reaches the
 * browser). At run time these are the plain `Uploader` and `useUploader`.
 */
export function createUploadComponents<
  THandler = MissingHandlerType,
>(): UploadComponents<THandler> {
  return { useUploader, Uploader } as unknown as UploadComponents<THandler>;
}
