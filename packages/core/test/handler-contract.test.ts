import { describe, expectTypeOf, it } from "vitest";
import type {
  DataFor,
  HandlerContract,
  InputFor,
  MissingHandlerType,
  ProfileContract,
  ProfileOf,
} from "../src/index";

// A handler's type as a client package sees it: the brand alone, no server types.
type Uploads = ((request: Request) => Promise<Response>) &
  HandlerContract<{
    avatar: ProfileContract<{ alt: string }, { url: string }>;
    docs: ProfileContract<undefined, undefined>;
  }>;

describe("HandlerContract", () => {
  it("gives profile names, input and data", () => {
    expectTypeOf<ProfileOf<Uploads>>().toEqualTypeOf<"avatar" | "docs">();
    expectTypeOf<InputFor<Uploads, "avatar">>().toEqualTypeOf<{ alt: string }>();
    expectTypeOf<DataFor<Uploads, "avatar">>().toEqualTypeOf<{ url: string }>();
    expectTypeOf<InputFor<Uploads, "docs">>().toEqualTypeOf<undefined>();
    expectTypeOf<DataFor<Uploads, "docs">>().toEqualTypeOf<undefined>();
    expectTypeOf<InputFor<Uploads, "nope">>().toBeNever();
  });

  it("reads as the hint where the handler's type is missing", () => {
    expectTypeOf<ProfileOf<unknown>>().toEqualTypeOf<MissingHandlerType>();
    expectTypeOf<ProfileOf<MissingHandlerType>>().toEqualTypeOf<MissingHandlerType>();
    expectTypeOf<
      ProfileOf<(request: Request) => Promise<Response>>
    >().toEqualTypeOf<"Pass typeof yourHandler: createUploadComponents<typeof uploads>()">();
  });

  it("is structural, so two copies of this package agree on it", () => {
    // What another copy's declaration of the brand looks like: the same string key.
    type Elsewhere = { readonly "~upkit": { readonly profiles: { a: ProfileContract<1, 2> } } };
    expectTypeOf<ProfileOf<Elsewhere>>().toEqualTypeOf<"a">();
    expectTypeOf<DataFor<Elsewhere, "a">>().toEqualTypeOf<2>();
  });
});
