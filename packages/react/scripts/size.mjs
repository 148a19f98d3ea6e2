#!/usr/bin/env node
// The size budget of the <Uploader>: what `import { Uploader } from "@upkit/react"` adds to an
// app's page up front. The built packages (dist, as apps install them: `pnpm build` first) are
// bundled as an app's bundler would, with Rolldown (Vite's bundler): tree-shaken, modules without
// side effects left out when unused, dynamic imports split off. Minified and gzipped, with what
// the app already has (react, react-dom, @tanstack/react-query) left out.
// `node scripts/size.mjs` prints the numbers and exits 1 over budget; test/size.test.ts runs the
// same check in `vitest run`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { rolldown } from "rolldown";

export const BUDGET_BYTES = 12 * 1024;
const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Bundles `names` imported from `entry` (a built entry of the package) and returns the sizes of
 * what a page loads up front (the entry chunk and the chunks it imports statically) and of the
 * chunks loaded lazily, minified and gzipped, and the minified bytes up front per package.
 */
export async function measureSize(entry = "dist/index.js", names = ["Uploader"]) {
  const dir = mkdtempSync(join(tmpdir(), "upkit-size-"));
  try {
    const input = join(dir, "app.js");
    const from = pathToFileURL(join(root, entry)).href;
    writeFileSync(input, `export { ${names.join(", ")} } from ${JSON.stringify(from)};\n`);
    const bundle = await rolldown({
      input,
      platform: "browser",
      external: [/^react(-dom)?($|\/)/, /^@tanstack\/react-query($|\/)/],
      transform: { define: { "process.env.NODE_ENV": '"production"' } },
      // The packages' "use client" lines mean nothing to a browser bundle.
      onLog: (level, log, handler) => {
        if (log.code !== "MODULE_LEVEL_DIRECTIVE") handler(level, log);
      },
    });
    const { output } = await bundle.generate({ format: "esm", minify: true });
    await bundle.close();
    const chunks = new Map(
      output.filter((item) => item.type === "chunk").map((chunk) => [chunk.fileName, chunk]),
    );
    // Up front: the entry and what it imports statically, transitively.
    const initial = new Set();
    const visit = (name) => {
      if (initial.has(name) || !chunks.has(name)) return;
      initial.add(name);
      for (const imported of chunks.get(name).imports) visit(imported);
    };
    visit([...chunks.values()].find((chunk) => chunk.isEntry).fileName);
    const bytesOf = (list) => {
      const code = Buffer.from(list.map((chunk) => chunk.code).join("\n"));
      return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
    };
    const upFront = [...initial].map((name) => chunks.get(name));
    const lazy = [...chunks.values()].filter((chunk) => !initial.has(chunk.fileName));
    const parts = {};
    const modules = [];
    for (const chunk of upFront) {
      for (const [id, module] of Object.entries(chunk.modules)) {
        if (module.renderedLength > 0)
          modules.push(id.replace(/^.*?((?:packages|node_modules)\/)/, "$1"));
        const pkg =
          /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id)?.[1] ??
          (id.includes("/core/dist/") ? "@upkit/core" : "@upkit/react");
        parts[pkg] = (parts[pkg] ?? 0) + module.renderedLength;
      }
    }
    return {
      ...bytesOf(upFront),
      lazy: bytesOf(lazy),
      /** Rendered (not yet minified) bytes up front per package. */
      parts,
      /** The modules up front, from `packages/` or `node_modules/`. */
      modules,
      /** The bare imports left in the bundle (what the app must provide). */
      externals: [...new Set(upFront.flatMap((chunk) => chunk.imports))].filter(
        (name) => !chunks.has(name),
      ),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
  const report = (label, { minified, gzipped, lazy }) =>
    console.log(
      `${label}: ${kb(minified)} minified, ${kb(gzipped)} gzipped up front; ` +
        `${kb(lazy.gzipped)} gzipped loaded lazily`,
    );
  const uploader = await measureSize();
  for (const [name, bytes] of Object.entries(uploader.parts).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${name}: ${kb(bytes)} before minifying`);
  }
  report("import { Uploader }", uploader);
  report("import { useUploader }", await measureSize("dist/index.js", ["useUploader"]));
  const verdict = uploader.gzipped <= BUDGET_BYTES ? "within" : "OVER";
  console.log(`<Uploader> is ${verdict} its ${kb(BUDGET_BYTES)} budget`);
  if (uploader.gzipped > BUDGET_BYTES) process.exit(1);
}
