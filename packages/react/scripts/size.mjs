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

/**
 * Bundles `entry` (relative to the package) as an app's bundler would, splitting dynamic imports
 * into their own chunks, and returns the sizes of what a page loads up front (the entry chunk and
 * the chunks it imports statically) and of the lazy chunks, minified and gzipped.
 */
export async function measureSize(entry = "src/index.ts") {
  const result = await build({
    entryPoints: [`${root}/${entry}`],
    bundle: true,
    minify: true,
    splitting: true,
    outdir: `${root}/.size-out`,
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
  const outputs = result.metafile.outputs;
  const contents = new Map(result.outputFiles.map((file) => [file.path, file.contents]));
  const key = (path) => Object.keys(outputs).find((name) => path.endsWith(name));
  const entryKey = Object.keys(outputs).find((name) => outputs[name].entryPoint);
  // Up front: the entry and what it imports statically, transitively.
  const initial = new Set();
  const visit = (name) => {
    if (initial.has(name)) return;
    initial.add(name);
    for (const imported of outputs[name].imports) {
      if (!imported.external && imported.kind === "import-statement") visit(imported.path);
    }
  };
  visit(entryKey);
  const bytesOf = (names) => {
    const parts = [...names].map((name) =>
      contents.get([...contents.keys()].find((path) => key(path) === name)),
    );
    const code = Buffer.concat(parts.map((part) => Buffer.from(part)));
    return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
  };
  const lazy = Object.keys(outputs).filter((name) => !initial.has(name) && name.endsWith(".js"));
  // Minified bytes per package (or "src" for this one) up front, to see what the budget goes to.
  const parts = {};
  for (const name of initial) {
    for (const [file, { bytesInOutput }] of Object.entries(outputs[name].inputs)) {
      const pkg =
        /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ??
        (file.includes("core/src") ? "@upkit/core" : "src");
      parts[pkg] = (parts[pkg] ?? 0) + bytesInOutput;
    }
  }
  return {
    ...bytesOf(initial),
    lazy: bytesOf(lazy),
    parts,
    /** The bare imports left in the bundle (the externals it needs). */
    externals: [...initial].flatMap((name) =>
      outputs[name].imports
        .filter((imported) => imported.external)
        .map((imported) => imported.path),
    ),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const entry = process.argv[2] ?? "src/index.ts";
  const { minified, gzipped, parts, lazy } = await measureSize(entry);
  const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
  for (const [name, bytes] of Object.entries(parts).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${name}: ${kb(bytes)} minified`);
  }
  const verdict = gzipped <= BUDGET_BYTES ? "within" : "OVER";
  console.log(
    `${entry}: ${kb(minified)} minified, ${kb(gzipped)} gzipped (${verdict} the ${kb(BUDGET_BYTES)} budget)`,
  );
  console.log(`  loaded lazily: ${kb(lazy.minified)} minified, ${kb(lazy.gzipped)} gzipped`);
  if (gzipped > BUDGET_BYTES) process.exit(1);
}
