import { fileURLToPath } from "node:url";
import type { ViteUserConfig } from "vitest/config";

const source = (pkg: string, entry = "index") =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));

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
      // Exact matches: a plain string alias would also catch subpaths (`@upkit/server/node`).
      alias: [
        { find: /^@upkit\/core$/, replacement: source("core") },
        { find: /^@upkit\/server$/, replacement: source("server") },
        { find: /^@upkit\/server\/next$/, replacement: source("server", "next") },
        { find: /^@upkit\/server\/node$/, replacement: source("server", "node") },
        { find: /^@upkit\/react$/, replacement: source("react") },
        { find: /^@upkit\/react\/query$/, replacement: source("react", "query") },
        { find: /^@upkit\/emulator$/, replacement: source("emulator") },
      ],
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
