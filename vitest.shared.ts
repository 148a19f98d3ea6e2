import { fileURLToPath } from "node:url";
import type { ViteUserConfig } from "vitest/config";

const source = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/**
 * One test set-up for every package: workspace packages resolve to their `src`, so a test run
 * needs no prior build, and every run leaves a JSON report that `scripts/test-summary.mjs` sums.
 */
export function sharedTestConfig(
  dir: string,
  test: NonNullable<ViteUserConfig["test"]> = {},
): ViteUserConfig {
  return {
    resolve: {
      alias: {
        "@upkit/core": source("core"),
        "@upkit/server": source("server"),
        "@upkit/react": source("react"),
        "@upkit/emulator": source("emulator"),
      },
    },
    test: {
      root: dir,
      include: ["test/**/*.test.{ts,tsx}", "src/**/*.test.{ts,tsx}"],
      reporters: ["default", "json"],
      outputFile: { json: "reports/vitest.json" },
      ...test,
    },
  };
}
