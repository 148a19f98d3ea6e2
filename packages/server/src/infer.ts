import type { UploadHandler } from "./create-upload-handler";
import type { AnyProfile, ProfileData, ProfileInput } from "./profile";

/**
 * Type-only helpers that carry a handler's profiles to the client:
 * `import type { uploads } from "./server"` then `ProfileName<typeof uploads>` and so on.
 */
export type ProfilesOf<THandler> = THandler extends UploadHandler<infer P> ? P : never;
export type ProfileName<THandler> = keyof ProfilesOf<THandler> & string;
export type InputOf<THandler, TName extends ProfileName<THandler>> = ProfileInput<
  ProfilesOf<THandler>[TName]
>;
export type CompletionDataOf<THandler, TName extends ProfileName<THandler>> = Awaited<
  ProfileData<ProfilesOf<THandler>[TName]>
>;
export type { AnyProfile };
