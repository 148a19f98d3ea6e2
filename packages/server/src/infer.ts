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
/**
 * Written as a conditional type so that it resolves to the names themselves: a plain alias
 * (`keyof ProfilesOf<H> & string`) keeps its name, and an error then read
 * `not assignable to type 'ProfileName<UploadHandler<{ readonly images: Profile<...`
 * instead of `"images" | "docs"`.
 */
export type ProfileName<THandler> = THandler extends { readonly $profiles: infer P }
  ? keyof P & string
  : never;
export type InputOf<THandler, TName extends ProfileName<THandler>> = ProfileInput<
  ProfilesOf<THandler>[TName]
>;
export type CompletionDataOf<THandler, TName extends ProfileName<THandler>> = Awaited<
  ProfileData<ProfilesOf<THandler>[TName]>
>;
export type { AnyProfile };
