import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  platform: "neutral",
  clean: true,
  // One file per module: an app's bundler then leaves out whole modules it does not use (the
  // package has no side effects), so the browser never gets the zod schemas the server needs,
  // and the lazily loaded parts of the engine stay in chunks of their own.
  unbundle: true,
  // Inlined constants leave bare `import "./x.js"` lines behind, which app bundlers warn about.
  inputOptions: { optimization: { inlineConst: false } },
});
