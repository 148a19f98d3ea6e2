import type { DataFor, HandlerContract, InputFor, ProfileOf } from "@upkit/core";
import { expectTypeOf, it } from "vitest";
import { z } from "zod";
import {
  type CompletionDataOf,
  createUploadHandler,
  defineProfile,
  type InputOf,
  type ProfileName,
} from "../src/index";

// Built lazily: the types are what this file tests; the handler is never called.
const build = () =>
  createUploadHandler({
    imagekit: { privateKey: "private_x", publicKey: "public_x", urlEndpoint: "http://localhost/x" },
    profiles: {
      avatar: defineProfile({
        input: z.object({ alt: z.string() }),
        authorize: async () => ({ userId: "u1" }),
        options: ({ ctx, input }) => {
          expectTypeOf(ctx).toEqualTypeOf<{ userId: string }>();
          expectTypeOf(input).toEqualTypeOf<{ alt: string }>();
          return { folder: `/users/${ctx.userId}`, tags: [input.alt] };
        },
        onUploadComplete: async ({ ctx, file }) => ({ owner: ctx.userId, url: file.url }),
      }),
      docs: defineProfile({ transports: ["proxy"] }),
    },
  });
type Uploads = ReturnType<typeof build>;

it("carries profile names, input and completion data to the client", () => {
  expectTypeOf<ProfileName<Uploads>>().toEqualTypeOf<"avatar" | "docs">();
  expectTypeOf<InputOf<Uploads, "avatar">>().toEqualTypeOf<{ alt: string }>();
  expectTypeOf<CompletionDataOf<Uploads, "avatar">>().toEqualTypeOf<{
    owner: string;
    url: string;
  }>();
  expectTypeOf<InputOf<Uploads, "docs">>().toEqualTypeOf<undefined>();
});

it("carries them as @upkit/core's contract, which is all a client package reads", () => {
  expectTypeOf<Uploads>().toExtend<HandlerContract>();
  expectTypeOf<ProfileOf<Uploads>>().toEqualTypeOf<"avatar" | "docs">();
  expectTypeOf<InputFor<Uploads, "avatar">>().toEqualTypeOf<{ alt: string }>();
  expectTypeOf<DataFor<Uploads, "avatar">>().toEqualTypeOf<{ owner: string; url: string }>();
  expectTypeOf<InputFor<Uploads, "docs">>().toEqualTypeOf<undefined>();
  expectTypeOf<DataFor<Uploads, "docs">>().toEqualTypeOf<undefined>();
});

it("refuses options ImageKit would refuse, at compile time", () => {
  defineProfile({
    // @ts-expect-error: tags are an array of strings
    options: () => ({ tags: "a,b" }),
  });
  defineProfile({
    // @ts-expect-error: abs needs a protocol
    options: () => ({ transformation: { post: [{ type: "abs", value: "sr-240" }] } }),
  });
  expectTypeOf(build).returns.toBeCallableWith(new Request("http://x"));
});
