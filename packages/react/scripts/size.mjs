#!/usr/bin/env node
import { fileURLToPath, pathToFileURL } from "node:url";
// The size budget of the <Uploader> entry: src/index.ts bundled with esbuild, minified, gzipped,
// with what an app already has (react, react-dom, @tanstack/react-query) left out.
// `node scripts/size.mjs [entry]` prints the numbers and exits 1 over budget; test/size.test.ts
// runs the same check in `vitest run`.
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

// The goal is 12 KB; react-dropzone (about 6 KB gzipped with file-selector) and the engine leave
// 17 KB today. This budget stops growth while the rest is worked down (see the README).
export const BUDGET_BYTES = 18 * 1024;
const root = fileURLToPath(new URL("..", import.meta.url));

/** Bundles `entry` (relative to the package) and returns its minified and gzipped sizes. */
export async function measureSize(entry = "src/index.ts") {
  const result = await build({
    entryPoints: [`${root}/${entry}`],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
    external: ["react", "react/*", "react-dom", "react-dom/*", "@tanstack/react-query"],
    // Measure the engine as it is in the workspace, not a stale build of it.
    alias: { "@upkit/core": `${root}/../core/src/index.ts` },
    define: { "process.env.NODE_ENV": '"production"' },
    metafile: true,
  });
  const code = result.outputFiles[0].contents;
  const output = Object.values(result.metafile.outputs)[0];
  // Minified bytes per package (or "src" for this one), to see what the budget goes to.
  const parts = {};
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name =
      /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ??
      (file.includes("core/src") ? "@upkit/core" : "src");
    parts[name] = (parts[name] ?? 0) + bytesInOutput;
  }
  return {
    minified: code.length,
    gzipped: gzipSync(code, { level: 9 }).length,
    parts,
    /** The bare imports left in the bundle (the externals it needs). */
    externals: output.imports.filter((entry) => entry.external).map((entry) => entry.path),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const entry = process.argv[2] ?? "src/index.ts";
  const { minified, gzipped, parts } = await measureSize(entry);
  const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
  for (const [name, bytes] of Object.entries(parts).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${name}: ${kb(bytes)} minified`);
  }
  const verdict = gzipped <= BUDGET_BYTES ? "within" : "OVER";
  console.log(
    `${entry}: ${kb(minified)} minified, ${kb(gzipped)} gzipped (${verdict} the ${kb(BUDGET_BYTES)} budget)`,
  );
  if (gzipped > BUDGET_BYTES) process.exit(1);
}
