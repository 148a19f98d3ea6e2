import { defineConfig } from "tsdown";

export default defineConfig({
  // Two entries: React Query helpers stay out of the main bundle.
  entry: ["src/index.ts", "src/query.ts"],
  format: ["esm"],
  dts: true,
  platform: "browser",
  clean: true,
  copy: ["src/styles.css"],
  // The server's type helpers are inlined into index.d.ts (type-only: no server code, and no
  // dependency on @upkit/server for apps that do not have it); they need these types.
  deps: { onlyBundle: ["@standard-schema/spec"] },
});
