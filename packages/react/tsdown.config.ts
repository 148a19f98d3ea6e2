import { defineConfig } from "tsdown";

export default defineConfig({
  // Two entries: React Query helpers stay out of the main one.
  entry: ["src/index.ts", "src/query.ts"],
  format: ["esm"],
  dts: true,
  platform: "browser",
  clean: true,
  // One file per module, so an app's bundler leaves out what it does not use, and the file parts
  // and the engine's queue stay in chunks of their own, loaded when a user reaches for the
  // dropzone (see parts/lazy-parts.tsx).
  unbundle: true,
  inputOptions: { optimization: { inlineConst: false } },
  copy: ["src/styles.css"],
  // Nothing from node_modules may be inlined, in code or in declarations: the types shared with
  // the server come from @upkit/core, a dependency, so dist never copies another package's files
  // (test/built-types.test.ts checks the result as an app sees it).
  deps: { onlyBundle: [] },
});
