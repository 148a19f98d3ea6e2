// @vitest-environment node
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSnippets } from "./support/compile-snippets";

/**
 * What the compiler says to someone who binds a handler and gets a profile or its input wrong:
 * the error must name what is allowed (`"images" | "docs"`, the input's shape), not the
 * handler's whole type or the engine's internals. `@ts-expect-error` (types.test.tsx) proves
 * that there is an error; this reads its text.
 */

const handler = `import { createUploadHandler, defineProfile } from "@upkit/server";
import { z } from "zod";
import { createUploadComponents } from "../src/index";

const build = () =>
  createUploadHandler({
    profiles: {
      images: defineProfile({ input: z.object({ alt: z.string() }) }),
      docs: defineProfile({ transports: ["proxy"] }),
    },
  });
const more = () =>
  createUploadHandler({
    profiles: {
      optional: defineProfile({ input: z.object({ alt: z.string() }).optional() }),
      anything: defineProfile({ input: z.any() }),
      either: defineProfile({
        input: z.discriminatedUnion("kind", [
          z.object({ kind: z.literal("a"), caption: z.string() }),
          z.object({ kind: z.literal("b"), rating: z.number() }),
        ]),
      }),
    },
  });
export const { Uploader, useUploader } = createUploadComponents<ReturnType<typeof build>>();
export const More = createUploadComponents<ReturnType<typeof more>>();
`;

// Each snippet is the handler and one more line (or a few), where the errors must land.
const snippet = (text: string) => `${handler}${text}\n`;
const line = handler.split("\n").length;

let errors: Record<string, string[]>;

beforeAll(() => {
  errors = compileSnippets(fileURLToPath(new URL(".", import.meta.url)), {
    "wrong-profile.snippet.tsx": snippet(`export const a = <Uploader profile="avatar" />;`),
    "wrong-profile-hook.snippet.tsx": snippet(
      `export const b = () => useUploader({ profile: "avatar" });`,
    ),
    "missing-input.snippet.tsx": snippet(`export const c = <Uploader profile="images" />;`),
    "missing-input-hook.snippet.tsx": snippet(
      `export const d = () => useUploader({ profile: "images" });`,
    ),
    "input-without-schema.snippet.tsx": snippet(
      `export const e = <Uploader profile="docs" input={{ caption: "x" }} />;`,
    ),
    "input-without-schema-hook.snippet.tsx": snippet(
      `export const f = () => useUploader({ profile: "docs", input: { caption: "x" } });`,
    ),
    "wrong-input.snippet.tsx": snippet(
      `export const g = <Uploader profile="images" input={{ alt: 1 }} />;`,
    ),
    "fine.snippet.tsx": snippet(
      [
        `export const h = <Uploader profile="images" input={{ alt: "Me" }} />;`,
        `export const i = <Uploader profile="images" input={(file) => ({ alt: file.name })} />;`,
        `export const j = <Uploader profile="docs" />;`,
        // An optional schema leaves input optional; a union keeps each member's properties.
        `export const k = <More.Uploader profile="optional" />;`,
        `export const l = <More.Uploader profile="optional" input={undefined} />;`,
        `export const m = <More.Uploader profile="either" input={{ kind: "b", rating: 5 }} />;`,
        `export const n = () => useUploader({ profile: "images", input: { alt: "Me" } });`,
        `export const o = <More.Uploader profile="anything" />;`,
        `export const p = <More.Uploader profile="anything" input={[1, "two"]} />;`,
      ].join("\n"),
    ),
  });
}, 60_000);

describe("the compiler's errors", () => {
  it("compile the handler and correct uses without errors", () => {
    expect(errors["fine.snippet.tsx"]).toEqual([]);
  });

  it("name the handler's profiles for a wrong profile name", () => {
    for (const file of ["wrong-profile.snippet.tsx", "wrong-profile-hook.snippet.tsx"]) {
      expect(errors[file]).toEqual([
        `${line}: Type '"avatar"' is not assignable to type '"images" | "docs"'.`,
      ]);
    }
  });

  it("make a missing input a compile error when the schema requires it, naming its shape", () => {
    expect(errors["missing-input.snippet.tsx"]).toEqual([
      `${line}: Property 'input' is missing in type '{ profile: "images"; }' but required in type '{ input: { alt: string; } | ((file: File) => { alt: string; }); }'.`,
    ]);
    const [hook] = errors["missing-input-hook.snippet.tsx"] ?? [];
    expect(hook).toContain(`Property 'input' is missing in type '{ profile: "images"; }'`);
    // The options are named by the profile, its input and its data, not the whole handler.
    expect(hook).toContain(`'ProfileUploaderOptions<"images", { alt: string; }, undefined>'`);
    expect(hook).not.toContain("UploadHandler<");
  });

  it("say that a profile without a schema takes no input", () => {
    for (const file of [
      "input-without-schema.snippet.tsx",
      "input-without-schema-hook.snippet.tsx",
    ]) {
      expect(errors[file]).toEqual([
        `${line}: Type '{ caption: string; }' is not assignable to type 'undefined'.`,
      ]);
    }
  });

  it("point at the property of the input that is wrong", () => {
    expect(errors["wrong-input.snippet.tsx"]).toEqual([
      `${line}: Type 'number' is not assignable to type 'string'.`,
    ]);
  });

  it("never show the NoInfer wrapper or the per-file function for an object input", () => {
    const all = Object.values(errors).flat().join("\n");
    expect(all).not.toContain("NoInfer");
    expect(all).not.toContain("does not exist in type '(file: File)");
  });
});
