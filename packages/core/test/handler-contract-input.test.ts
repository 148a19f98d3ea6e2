import { describe, expectTypeOf, it } from "vitest";
import type { DataFor, HandlerContract, InputFor, ProfileContract } from "../src/index";

// Checked by `tsc` (pnpm typecheck), as every `expectTypeOf` here.
type Uploads = HandlerContract<{
  optional: ProfileContract<{ alt: string } | undefined, { url: string } | undefined>;
  nullable: ProfileContract<{ alt: string } | null, undefined>;
  either: ProfileContract<
    { kind: "a"; caption: string } | { kind: "b"; rating: number },
    undefined
  >;
  text: ProfileContract<string, string>;
  // What an older `defineProfile` left on the types: a `NoInfer` wrapper around the union.
  wrapped: ProfileContract<NoInfer<{ alt: string } | undefined>, undefined>;
}>;

describe("InputFor and DataFor", () => {
  it("keep an optional or nullable schema's undefined and null", () => {
    expectTypeOf<InputFor<Uploads, "optional">>().toEqualTypeOf<{ alt: string } | undefined>();
    expectTypeOf<DataFor<Uploads, "optional">>().toEqualTypeOf<{ url: string } | undefined>();
    expectTypeOf<InputFor<Uploads, "nullable">>().toEqualTypeOf<{ alt: string } | null>();
    expectTypeOf<undefined>().toExtend<InputFor<Uploads, "wrapped">>();
    expectTypeOf<{ alt: string }>().toExtend<InputFor<Uploads, "wrapped">>();
  });

  it("keep each member of a union, and a primitive as it is", () => {
    expectTypeOf<InputFor<Uploads, "either">>().toEqualTypeOf<
      { kind: "a"; caption: string } | { kind: "b"; rating: number }
    >();
    expectTypeOf<InputFor<Uploads, "text">>().toEqualTypeOf<string>();
    expectTypeOf<DataFor<Uploads, "text">>().toEqualTypeOf<string>();
  });
});
