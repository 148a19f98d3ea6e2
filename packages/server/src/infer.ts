import type { ProfileContract } from "@upkit/core";
import type { AnyProfile, ProfileData, ProfileInput } from "./profile";

/**
 * What each profile shares with the browser: its input and its resolved completion data. The
 * handler's type carries this as `HandlerContract` from `@upkit/core`, which is all a client
 * package reads (`ProfileOf`, `InputFor`, `DataFor` there).
 */
export type ProfileContractsOf<TProfiles extends Record<string, AnyProfile>> = {
  [K in keyof TProfiles]: ProfileContract<
    ProfileInput<TProfiles[K]>,
    Awaited<ProfileData<TProfiles[K]>>
  >;
};

/**
 * Type-only helpers over a handler's profiles, for server code:
 * `ProfileName<typeof uploads>` and so on. Client code uses `@upkit/core`'s `ProfileOf`,
 * `InputFor` and `DataFor`, which need no server types.
 */
export type ProfilesOf<THandler> = THandler extends { readonly $profiles: infer P } ? P : never;
export type ProfileName<THandler> = keyof ProfilesOf<THandler> & string;
export type InputOf<THandler, TName extends ProfileName<THandler>> = ProfileInput<
  ProfilesOf<THandler>[TName]
>;
export type CompletionDataOf<THandler, TName extends ProfileName<THandler>> = Awaited<
  ProfileData<ProfilesOf<THandler>[TName]>
>;
export type { AnyProfile };
