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
  // The server's type helpers are inlined into index.d.ts (type-only: no server code, and no
  // dependency on @upkit/server for apps that do not have it); they need these types.
  deps: { onlyBundle: ["@standard-schema/spec"] },
});
