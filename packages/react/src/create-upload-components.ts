import type { DataFor, InputFor, MissingHandlerType, ProfileOf } from "@upkit/core";
import type { ReactNode } from "react";
import { Uploader, type UploaderParts, type UploaderProps } from "./uploader";
import { type UseUploaderOptions, type UseUploaderResult, useUploader } from "./use-uploader";

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
 * browser). Only the handler type's `HandlerContract` brand from `@upkit/core` is read, so these
 * types never name the server package. At run time these are the plain `Uploader` and
 * `useUploader`.
 */
export function createUploadComponents<
  THandler = MissingHandlerType,
>(): UploadComponents<THandler> {
  return { useUploader, Uploader } as unknown as UploadComponents<THandler>;
}
