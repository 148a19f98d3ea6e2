import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts", "src/next.ts", "src/node.ts", "src/redis.ts"],
  format: ["esm"],
  dts: true,
  platform: "node",
  clean: true,
  // "type": "module" packages: plain .js, as the exports map says.
  fixedExtension: false,
});
