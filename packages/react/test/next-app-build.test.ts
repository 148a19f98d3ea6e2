// @vitest-environment node
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, parse, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";

/**
 * The READMEs' Next.js App Router set-up, built with `next build` as a new user's app is: the
 * packed packages (`pnpm pack`, so only what npm would ship) in its `node_modules`, and no
 * ImageKit keys in the environment (a CI job or a Docker build has none). It proves that
 * - `createUploadComponents<typeof uploads>()` works in a plain module that a server component
 *   imports, and the typed `<Uploader>` renders from a server component: only the modules with
 *   hooks and components are client modules ("use client"), not the entry or the binding;
 * - a client component passing callbacks (`onUploadComplete`) builds;
 * - the route module builds without keys: `createUploadHandler` checks them at the first
 *   request, not when "Collecting page data" loads the route.
 * One `next build`: some 15 s on a quiet machine, more on a busy one.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const packages = ["core", "server", "react"] as const;

// What the README's files need besides @upkit: linked from where the workspace installed them.
const linked: Record<string, string> = {
  next: "apps/demo",
  react: "apps/demo",
  "react-dom": "apps/demo",
  // Next.js checks that a TypeScript app has these (its type check itself is off below).
  typescript: ".",
  "@types/react": "packages/react",
  "@types/react-dom": "packages/react",
  "@types/node": "packages/server",
};

const files: Record<string, string> = {
  "package.json": '{ "name": "app", "private": true, "type": "module" }\n',
  "tsconfig.json": `${JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      lib: ["dom", "dom.iterable", "esnext"],
      module: "esnext",
      moduleResolution: "bundler",
      jsx: "react-jsx",
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      isolatedModules: true,
    },
    include: ["**/*.ts", "**/*.tsx"],
    exclude: ["node_modules"],
  })}\n`,
  "app/layout.tsx": `import type { ReactNode } from "react";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`,
  // @upkit/server's README.
  "app/api/upload/uploads.ts": `import { createUploadHandler, defineProfile, UploadError } from "@upkit/server";
import { z } from "zod";

async function currentUserId(request: Request): Promise<string | undefined> {
  return request.headers.get("x-user-id") ?? undefined;
}

export const uploads = createUploadHandler({
  profiles: {
    avatar: defineProfile({
      restrictions: { maxFileSize: "5MB", accept: ["image/*"], maxFiles: 1 },
      transports: ["direct"],
      input: z.object({ alt: z.string().max(200) }),
      authorize: async (request) => {
        const userId = await currentUserId(request);
        if (!userId) throw new UploadError("unauthorized", "Sign in to upload.");
        return { userId };
      },
      options: ({ ctx, input }) => ({
        folder: \`/users/\${ctx.userId}\`,
        tags: ["avatar"],
        customMetadata: { alt: input.alt },
      }),
      onUploadComplete: async ({ ctx, file }) => ({ avatarUrl: file.url, owner: ctx.userId }),
    }),
  },
});
`,
  "app/api/upload/[[...upkit]]/route.ts": `import { toNextHandlers } from "@upkit/server/next";
import { uploads } from "../uploads";

export const { GET, POST, PATCH, HEAD, DELETE, OPTIONS } = toNextHandlers(uploads);
`,
  // @upkit/react's README: the binding in a plain module, ...
  "app/upload/uploader.ts": `import { createUploadComponents } from "@upkit/react";
import type { uploads } from "../api/upload/uploads";

export const { Uploader, useUploader } = createUploadComponents<typeof uploads>();
`,
  // ... a client component for what passes functions, ...
  "app/upload/avatar-form.tsx": `"use client";

import { Uploader } from "./uploader";

export function AvatarForm() {
  return (
    <Uploader
      profile="avatar"
      input={{ alt: "Me" }}
      onUploadComplete={(file) => console.log(file.data.avatarUrl)}
    />
  );
}
`,
  // ... and a server component page using both.
  "app/upload/page.tsx": `import "@upkit/react/styles.css";
import { AvatarForm } from "./avatar-form";
import { Uploader } from "./uploader";

export default function UploadPage() {
  return (
    <main>
      <Uploader profile="avatar" input={{ alt: "Me" }} />
      <AvatarForm />
    </main>
  );
}
`,
};

let dir: string;
let app: string;
/** The real folders of the linked packages. */
const targets: string[] = [];

/** The deepest folder holding all the paths: Turbopack compiles nothing outside its root. */
function commonRoot(paths: string[]): string {
  const [first = [], ...rest] = paths.map((path) => path.split(sep));
  let depth = first.length;
  for (const parts of rest) {
    let i = 0;
    while (i < depth && parts[i] === first[i]) i += 1;
    depth = i;
  }
  return first.slice(0, depth).join(sep) || parse(paths[0] ?? sep).root;
}

async function link(name: string, target: string) {
  const path = join(app, "node_modules", name);
  await mkdir(dirname(path), { recursive: true });
  const real = await realpath(target);
  targets.push(real);
  await symlink(real, path, "dir");
}

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), "upkit-next-app-")));
  app = join(dir, "app");
  await mkdir(join(dir, "packs"), { recursive: true });
  for (const pkg of packages) {
    const source = join(root, "packages", pkg);
    const pack = ["pack", "--json", "--pack-destination", join(dir, "packs")];
    const { stdout } = await run("pnpm", pack, { cwd: source });
    const tarball = (JSON.parse(stdout) as { filename: string }).filename;
    const target = join(app, "node_modules/@upkit", pkg);
    await mkdir(target, { recursive: true });
    await run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
    // Each package's own dependencies, as an install would put them (by real path: Turbopack
    // reads a link's target as written, and pnpm's are relative to where they sit).
    const manifest = JSON.parse(await readFile(join(source, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (!dep.startsWith("@upkit/")) {
        await link(dep, join(source, "node_modules", dep)).catch((error: { code?: string }) => {
          if (error.code !== "EEXIST") throw error;
        });
      }
    }
  }
  for (const [dep, from] of Object.entries(linked)) {
    await link(dep, join(root, from, "node_modules", dep));
  }
  const fsRoot = commonRoot([app, ...targets]);
  files["next.config.mjs"] = `export default {
  // Types are built-types.test.ts's concern; this build is about modules and their boundaries.
  typescript: { ignoreBuildErrors: true },
  // The linked packages live in the workspace's store, outside this app's folder.
  turbopack: { root: ${JSON.stringify(fsRoot)} },
  outputFileTracingRoot: ${JSON.stringify(fsRoot)},
};
`;
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(app, name)), { recursive: true });
    await writeFile(join(app, name), text);
  }
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("builds the READMEs' App Router set-up with next build, without ImageKit keys", async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  for (const name of Object.keys(env)) if (name.startsWith("IMAGEKIT_")) delete env[name];
  const next = join(app, "node_modules/next/dist/bin/next");
  const result = await run(process.execPath, [next, "build"], {
    cwd: app,
    env,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string }) => ({
    failed: `${error.stdout ?? ""}${error.stderr ?? String(error)}`,
  }));
  expect("failed" in result ? result.failed : "").toBe("");
  // The server component page was rendered at build time, with both uploaders' dropzones.
  const html = await readFile(join(app, ".next/server/app/upload.html"), "utf8");
  expect(html.match(/data-part="dropzone"/g)).toHaveLength(2);
}, 300_000);

it("ships the entry and the binding as plain modules, the hooks and components as client ones", async () => {
  const dist = join(app, "node_modules/@upkit/react/dist");
  const directive = async (file: string) =>
    (await readFile(join(dist, file), "utf8")).startsWith('"use client";');
  expect(await directive("index.js")).toBe(false);
  expect(await directive("create-upload-components.js")).toBe(false);
  for (const file of ["uploader.js", "use-uploader.js", "uploader-context.js", "query.js"]) {
    expect(await directive(file), file).toBe(true);
  }
});
