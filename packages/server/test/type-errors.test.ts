import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";

/**
 * What the compiler says about a wrong profile name given to the server's type helpers: the
 * names themselves (`"images" | "docs"`), not `ProfileName<UploadHandler<{ readonly images:
 * Profile<NoInfer<...`. `@ts-expect-error` (types.test.ts) proves there is an error; this reads it.
 */

const snippet = `import { createUploadHandler, defineProfile, type InputOf, type ProfileName } from "../src/index";
import { z } from "zod";

const build = () =>
  createUploadHandler({
    profiles: {
      images: defineProfile({ input: z.object({ alt: z.string() }) }),
      docs: defineProfile({ transports: ["proxy"] }),
    },
  });
type Uploads = ReturnType<typeof build>;

export const name: ProfileName<Uploads> = "avatar";
export type Input = InputOf<Uploads, "avatar">;
export function upload<P extends ProfileName<Uploads>>(profile: P, input: InputOf<Uploads, P>) {
  return { profile, input };
}
upload("avatar", undefined);
upload("images", { alt: 1 });
`;

/** Type-checks `text` as a file in this folder, with the package's tsconfig; tsc's messages. */
function diagnosticsOf(text: string): string[] {
  const dir = fileURLToPath(new URL(".", import.meta.url));
  const file = `${dir}type-errors.snippet.ts`;
  const configPath = ts.findConfigFile(dir, ts.sys.fileExists) as string;
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, `${dir}..`);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.fileExists = (path) => path === file || fileExists.call(host, path);
  host.getSourceFile = (path, language, ...rest) =>
    path === file
      ? ts.createSourceFile(path, text, language, true)
      : getSourceFile.call(host, path, language, ...rest);
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file);
  return ts.getPreEmitDiagnostics(program, source).map((diagnostic) => {
    const line = source?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line ?? -1;
    return `${line + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
  });
}

it("names the profiles, and the input's shape, in errors about the handler's types", () => {
  expect(diagnosticsOf(snippet)).toEqual([
    `13: Type '"avatar"' is not assignable to type '"images" | "docs"'.`,
    `14: Type '"avatar"' does not satisfy the constraint '"images" | "docs"'.`,
    `18: Argument of type '"avatar"' is not assignable to parameter of type '"images" | "docs"'.`,
    "19: Type 'number' is not assignable to type 'string'.",
  ]);
}, 60_000);
