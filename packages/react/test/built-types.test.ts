// @vitest-environment node
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The published declarations as an app sees them: @upkit/core, @upkit/server and @upkit/react are
 * packed (`pnpm pack`, so only what npm would ship), unpacked into an app's `node_modules` beside
 * the third-party packages their types import, and an app's files are compiled with `tsc`. The
 * type tests in types.test.tsx read the sources; this one reads `dist` (built by
 * test/support/build-packages.ts or by turbo before `test`).
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const packages = ["core", "server", "react"] as const;
const require = createRequire(join(root, "package.json"));
const tsc = require.resolve("typescript/bin/tsc");
const attw = join(dirname(require.resolve("@arethetypeswrong/cli/package.json")), "dist/index.js");

let dir: string;
const tarballs: Record<string, string> = {};

/** Third-party packages the declarations import, linked from where the workspace has them. */
const thirdParty: Record<string, string> = {
  react: "react",
  "@types/react": "react",
  "react-dropzone": "react",
  "@tanstack/react-query": "react",
  zod: "server",
  "@standard-schema/spec": "server",
  // The tus options name tus's DataStore and Locker; a server app has Node's types.
  "@tus/server": "server",
  "@types/node": "server",
};

async function writeFiles(base: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(base, name)), { recursive: true });
    await writeFile(join(base, name), text);
  }
}

/** An app folder with the given @upkit packages unpacked and the third-party ones linked. */
async function makeApp(name: string, upkit: readonly string[], files: Record<string, string>) {
  const app = join(dir, name);
  for (const pkg of upkit) {
    const target = join(app, "node_modules/@upkit", pkg);
    await mkdir(target, { recursive: true });
    await run("tar", ["-xzf", tarballs[pkg] as string, "-C", target, "--strip-components=1"]);
  }
  for (const [dep, from] of Object.entries(thirdParty)) {
    const link = join(app, "node_modules", dep);
    await mkdir(dirname(link), { recursive: true });
    await symlink(await realpath(join(root, "packages", from, "node_modules", dep)), link, "dir");
  }
  await writeFiles(app, { "package.json": '{ "type": "module", "private": true }\n', ...files });
  return app;
}

/** Runs tsc in the app; resolves with its diagnostics (empty when the app compiles). */
async function compile(app: string): Promise<string> {
  try {
    await run(process.execPath, [tsc, "-p", app, "--pretty", "false"]);
    return "";
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return `${stdout}${stderr}`.trim() || String(error);
  }
}

/**
 * The diagnostics about our code and declarations: a third-party package's own .d.ts may import
 * what only a hoisting install provides (@tus/server's `undici-types`), which this linked app
 * does not reproduce, and which is not ours to check.
 */
function ours(diagnostics: string): string {
  let keep = true;
  return diagnostics
    .split("\n")
    .filter((line) => {
      if (!/^\s/.test(line)) {
        const path = line.split("(")[0] ?? "";
        keep = !path.includes("node_modules/") || path.includes("node_modules/@upkit/");
      }
      return keep;
    })
    .join("\n")
    .trim();
}

const tsconfig = (options: Record<string, unknown>) =>
  `${JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        jsx: "react-jsx",
        strict: true,
        noEmit: true,
        types: [],
        ...options,
      },
      include: ["src"],
    },
    null,
    2,
  )}\n`;

// What an app writes on the server: a handler with typed profiles (never called here).
const serverFile = `import { createUploadHandler, defineProfile } from "@upkit/server";
import { z } from "zod";

export const uploads = createUploadHandler({
  profiles: {
    avatar: defineProfile({
      input: z.object({ alt: z.string() }),
      authorize: async () => ({ userId: "u1" }),
      onUploadComplete: async ({ ctx, file }) => ({ owner: ctx.userId, avatarUrl: file.url }),
    }),
    docs: defineProfile({ transports: ["proxy"] }),
  },
});
`;

// Exact type equality, as expectTypeOf does it (the app has no test library).
const equalFile = `export type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export function assertType<T extends true>(): T | undefined {
  return undefined;
}
`;

// What the app writes on the client: the README's binding and form, and what must be refused.
const clientFile = (serverImport: string) => `import "@upkit/react/styles.css";
import { createUploadComponents, type DataFor, type InputFor, type ProfileOf } from "@upkit/react";
import { uploadMutationOptions } from "@upkit/react/query";
import type { uploads } from "${serverImport}";
import { assertType, type Equal } from "./equal.js";

type Uploads = typeof uploads;
export const { Uploader, useUploader } = createUploadComponents<Uploads>();

assertType<Equal<ProfileOf<Uploads>, "avatar" | "docs">>();
assertType<Equal<InputFor<Uploads, "avatar">, { alt: string }>>();
assertType<Equal<DataFor<Uploads, "avatar">, { owner: string; avatarUrl: string }>>();
assertType<Equal<InputFor<Uploads, "docs">, undefined>>();

export function AvatarForm() {
  const docs = useUploader({ profile: "docs" });
  assertType<Equal<(typeof docs.files)[number]["data"], undefined>>();
  useUploader({
    profile: "avatar",
    input: (file) => ({ alt: file.name }),
    onUploadComplete: (file) => {
      assertType<Equal<typeof file.data, { owner: string; avatarUrl: string }>>();
    },
  });
  // @ts-expect-error: not a profile of the handler
  useUploader({ profile: "nope" });
  // @ts-expect-error: input follows the profile's schema
  useUploader({ profile: "avatar", input: { alt: 42 } });
  uploadMutationOptions({ profile: "avatar", invalidateQueries: [["me"]] });
  return (
    <>
      <Uploader
        profile="avatar"
        input={{ alt: "Me" }}
        onUploadComplete={(file) => console.log(file.data.avatarUrl)}
      />
      {/* @ts-expect-error: not a profile of the handler */}
      <Uploader profile="nope" />
      <Uploader.Dropzone />
    </>
  );
}

const untyped = createUploadComponents();
export function Untyped() {
  // @ts-expect-error: a forgotten generic names what to pass
  return <untyped.Uploader profile="avatar" />;
}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "upkit-built-types-"));
  await mkdir(join(dir, "packs"));
  for (const pkg of packages) {
    const pack = ["pack", "--json", "--pack-destination", join(dir, "packs")];
    const { stdout } = await run("pnpm", pack, { cwd: join(root, "packages", pkg) });
    tarballs[pkg] = (JSON.parse(stdout) as { filename: string }).filename;
  }
}, 30_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.concurrent("the packed packages", { timeout: 120_000 }, () => {
  // ESM-only: each `exports` entry has `types` + `default` and every package is `type: module`,
  // so the CommonJS resolutions (node10, node16 from CJS) are out of scope.
  it.each(packages)("@upkit/%s passes attw's esm-only profile", async (pkg) => {
    // styles.css is an entry with no types, on purpose.
    const exclude = pkg === "react" ? ["--exclude-entrypoints", "./styles.css"] : [];
    const result = await run(process.execPath, [
      attw,
      tarballs[pkg] as string,
      "--profile",
      "esm-only",
      "--format",
      "ascii",
      "--no-color",
      ...exclude,
    ]).catch((error: { stdout?: string }) => ({ failed: error.stdout ?? String(error) }));
    expect("failed" in result ? result.failed : "").toBe("");
  });

  it("ship a react package that names neither @upkit/server nor node_modules", async () => {
    const { stdout: list } = await run("tar", ["-tzf", tarballs.react as string]);
    expect(list).not.toMatch(/node_modules/);
    // The README may speak of the server; the code, the types and the manifest may not.
    const code = ["--wildcards", "package/dist/*", "package/package.json"];
    const { stdout: shipped } = await run("tar", ["-xzOf", tarballs.react as string, ...code]);
    expect(shipped).toContain("createUploadComponents");
    expect(shipped).not.toContain("@upkit/server");
    const manifest = await readFile(join(root, "packages/react/package.json"), "utf8");
    expect(manifest).not.toContain("@upkit/server");
  });
});

// A few seconds each on a quiet machine; the limit leaves room for a busy one (turbo runs every
// package's tests at once).
describe.concurrent("an app compiled against the built declarations", { timeout: 120_000 }, () => {
  it("infers profile names, input and completion data from the server's handler", async () => {
    const app = await makeApp("app", ["core", "server", "react"], {
      // As a Next.js app compiles: with Node's types (create-next-app installs them), which the
      // server's tus options name.
      "tsconfig.json": tsconfig({
        module: "ESNext",
        moduleResolution: "Bundler",
        types: ["node"],
        // The published declarations are checked too (a broken .d.ts fails here), but not
        // TypeScript's own lib files, which cost seconds and are not ours.
        skipLibCheck: false,
        skipDefaultLibCheck: true,
      }),
      "src/uploads.ts": serverFile,
      "src/equal.ts": equalFile,
      "src/uploader.tsx": clientFile("./uploads.js"),
      "src/styles.d.ts": 'declare module "*.css";\n',
    });
    expect(ours(await compile(app))).toBe("");
  });

  it("needs no @upkit/server on the client side, under Node's own ESM resolution", async () => {
    // A client-only package: the handler's type is written out by hand, as the brand from
    // @upkit/core, where a monorepo's backend package would provide it.
    const app = await makeApp("client-only", ["core", "react"], {
      // skipLibCheck on: the first app checks the declarations themselves; an unresolved import
      // in them would still show, as types that no longer match.
      "tsconfig.json": tsconfig({
        module: "NodeNext",
        moduleResolution: "NodeNext",
        skipLibCheck: true,
      }),
      "src/uploads.ts": `import type { HandlerContract, ProfileContract } from "@upkit/core";

export declare const uploads: HandlerContract<{
  avatar: ProfileContract<{ alt: string }, { owner: string; avatarUrl: string }>;
  docs: ProfileContract<undefined, undefined>;
}>;
`,
      "src/equal.ts": equalFile,
      "src/uploader.tsx": clientFile("./uploads.js"),
      "src/styles.d.ts": 'declare module "*.css";\n',
    });
    expect(await compile(app)).toBe("");
  });
});
