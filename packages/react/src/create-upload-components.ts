import type { DataFor, InputFor, MissingHandlerType, ProfileOf } from "@upkit/core";
import type { ReactNode } from "react";
import { Uploader, type UploaderParts, type UploaderProps } from "./uploader";
import { type UseUploaderOptions, type UseUploaderResult, useUploader } from "./use-uploader";

/**
 * The `input` option of a profile, by what its schema takes: none without a schema (`undefined`),
 * required when the schema refuses `undefined`, optional when it accepts it. Written out here
 * rather than left to `input?: TInput | ((file) => TInput)`: a missing required input is then a
 * compile error (not a 400 at run time), and input given to a profile without a schema reads
 * "not assignable to type 'undefined'" rather than naming the per-file function.
 */
type TypedInputOption<TInput> = 0 extends 1 & TInput
  ? // `any` (e.g. `z.any()`): anything, or nothing.
    { input?: TInput }
  : [TInput] extends [undefined]
    ? {
        /** This profile has no `input` schema: it takes no input. */
        input?: undefined;
      }
    : undefined extends TInput
      ? {
          /** The profile's input, checked by its schema on the server: a value, or one per file. */
          input?: TInput | ((file: File) => TInput);
        }
      : {
          /** The profile's input, checked by its schema on the server: a value, or one per file. */
          input: TInput | ((file: File) => TInput);
        };

/**
 * The options of one profile, by what it takes and gives (its name, its input and its data, not
 * the handler's type): what an error about them names, e.g.
 * `ProfileUploaderOptions<"images", { alt: string }, undefined>`.
 */
type ProfileUploaderOptions<TProfile, TInput, TData> = Omit<
  UseUploaderOptions<TInput, TData>,
  "profile" | "input"
> & {
  /** One of the handler's profile names. */
  profile: TProfile;
} & TypedInputOption<TInput>;

/** The props of one profile's `<Uploader>`; see `ProfileUploaderOptions`. */
type ProfileUploaderProps<TProfile, TInput, TData> = Omit<
  UploaderProps<TInput, TData>,
  "profile" | "input"
> & {
  /** One of the handler's profile names. */
  profile: TProfile;
} & TypedInputOption<TInput>;

export type TypedUploaderOptions<
  THandler,
  TProfile extends ProfileOf<THandler>,
> = ProfileUploaderOptions<TProfile, InputFor<THandler, TProfile>, DataFor<THandler, TProfile>>;

export type TypedUploaderProps<
  THandler,
  TProfile extends ProfileOf<THandler>,
> = ProfileUploaderProps<TProfile, InputFor<THandler, TProfile>, DataFor<THandler, TProfile>>;

// The signatures spell out `ProfileUploaderOptions<...>` rather than `TypedUploaderOptions<H, P>`
// (the same type): an error then names the profile, its input and data, not the whole handler.
export interface UploadComponents<THandler> {
  useUploader<TProfile extends ProfileOf<THandler>>(
    options: ProfileUploaderOptions<
      TProfile,
      InputFor<THandler, TProfile>,
      DataFor<THandler, TProfile>
    >,
  ): UseUploaderResult<DataFor<THandler, TProfile>>;
  Uploader: (<TProfile extends ProfileOf<THandler>>(
    props: ProfileUploaderProps<
      TProfile,
      InputFor<THandler, TProfile>,
      DataFor<THandler, TProfile>
    >,
  ) => ReactNode) &
    typeof UploaderParts;
}

/**
 * Binds the server handler's type once, so `profile` names, `input` and the completion `data`
 * are inferred: `export const { Uploader, useUploader } = createUploadComponents<typeof uploads>()`
 * with `import type { uploads } from "..."` (a type-only import: no server code reaches the
 * browser). Only the handler type's `HandlerContract` brand from `@upkit/core` is read, so these
 * types never name the server package.
 *
 * At run time these are the plain `Uploader` and `useUploader`. This module is no client module
 * (see tsdown.config.ts), so the binding can sit in a plain module that a server component
 * imports: there, `Uploader` and `useUploader` are the client references of the two, which a
 * server component can render (`<Uploader profile="avatar" />`) or pass on.
 */
export function createUploadComponents<
  THandler = MissingHandlerType,
>(): UploadComponents<THandler> {
  return { useUploader, Uploader } as unknown as UploadComponents<THandler>;
}
