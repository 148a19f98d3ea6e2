import type { UploadResult } from "@upkit/core";
import { createUploadHandler, defineProfile } from "@upkit/server";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import {
  createUploadComponents,
  type DataFor,
  type InputFor,
  type ProfileOf,
  type UploadFile,
} from "../src/index";

// Built lazily: only its type is used, as an app would with `import type { uploads }`.
const build = () =>
  createUploadHandler({
    imagekit: { privateKey: "private_x", publicKey: "public_x", urlEndpoint: "http://localhost/x" },
    profiles: {
      avatar: defineProfile({
        input: z.object({ alt: z.string() }),
        authorize: async () => ({ userId: "u1" }),
        onUploadComplete: async ({ ctx, file }) => ({ owner: ctx.userId, url: file.url }),
      }),
      docs: defineProfile({ transports: ["proxy"] }),
    },
  });
type Uploads = ReturnType<typeof build>;

const { Uploader, useUploader } = createUploadComponents<Uploads>();

describe("createUploadComponents<typeof uploads>()", () => {
  it("infers profile names, input and completion data", () => {
    expectTypeOf<ProfileOf<Uploads>>().toEqualTypeOf<"avatar" | "docs">();
    expectTypeOf<InputFor<Uploads, "avatar">>().toEqualTypeOf<{ alt: string }>();
    expectTypeOf<DataFor<Uploads, "avatar">>().toEqualTypeOf<{ owner: string; url: string }>();
    expectTypeOf<InputFor<Uploads, "docs">>().toEqualTypeOf<undefined>();
    expectTypeOf<DataFor<Uploads, "docs">>().toEqualTypeOf<undefined>();
    // Never called: the hooks are checked by tsc only.
    const check = () => {
      const avatar = useUploader({
        profile: "avatar",
        input: { alt: "me" },
        onUploadComplete: (file) => {
          expectTypeOf(file.data).toEqualTypeOf<{ owner: string; url: string }>();
          expectTypeOf(file.result).toEqualTypeOf<UploadResult>();
        },
      });
      expectTypeOf(avatar.files).toEqualTypeOf<UploadFile<{ owner: string; url: string }>[]>();
      useUploader({ profile: "avatar", input: (file) => ({ alt: file.name }) });
      useUploader({ profile: "docs" });
      // @ts-expect-error: not a profile of the handler
      useUploader({ profile: "nope" });
      // @ts-expect-error: input follows the profile's schema
      useUploader({ profile: "avatar", input: { alt: 42 } });
      return (
        <>
          <Uploader
            profile="avatar"
            input={{ alt: "x" }}
            renderFile={(file) => {
              expectTypeOf(file.data).toEqualTypeOf<{ owner: string; url: string } | undefined>();
              return null;
            }}
          />
          {/* @ts-expect-error: not a profile of the handler */}
          <Uploader profile="nope" />
          <Uploader.Dropzone />
        </>
      );
    };
    expectTypeOf(check).toBeFunction();
  });

  it("turns a forgotten generic into a readable error", () => {
    expectTypeOf<
      ProfileOf<unknown>
    >().toEqualTypeOf<"Pass typeof yourHandler: createUploadComponents<typeof uploads>()">();
    const untyped = createUploadComponents();
    const check = () => {
      // @ts-expect-error: Type '"avatar"' is not assignable to type '"Pass typeof yourHandler: createUploadComponents<typeof uploads>()"'
      untyped.useUploader({ profile: "avatar" });
      // @ts-expect-error: the same on the component
      return <untyped.Uploader profile="avatar" />;
    };
    expectTypeOf(check).toBeFunction();
  });
});
