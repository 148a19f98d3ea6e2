import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.ts";

/**
 * @upkit/react's component tests (packages/react/test/*.test.tsx, the type tests aside) and this
 * folder's own, on React 18. The tests and the sources they import sit in packages/react, where
 * `react` is 19: every package that imports React is aliased to this folder's copy, which pnpm
 * installed with React 18 as its peer, so one React 18 runs everything (a second copy would
 * fail the first hook with "Invalid hook call").
 */
const require = createRequire(import.meta.url);
const here = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));
const react = fileURLToPath(new URL("../../packages/react", import.meta.url));
const onReact18 = [
  "react",
  "react-dom",
  "react-dropzone",
  "@testing-library/react",
  "@tanstack/react-query",
  "@tanstack/react-virtual",
];

const shared = sharedTestConfig(import.meta.dirname, {
  environment: "jsdom",
  // The repository root, so one run finds both folders' tests.
  dir: fileURLToPath(new URL("../..", import.meta.url)),
  include: ["packages/react/test/*.test.tsx", "apps/react-18/test/*.test.{ts,tsx}"],
  // Types are React 19's @types in packages/react: a type test says nothing about React 18.
  exclude: ["packages/react/test/types.test.tsx"],
  setupFiles: [join(react, "test/support/setup.ts")],
  globalSetup: [join(react, "test/support/upload-stack.ts")],
  testTimeout: 20_000,
});

export default defineConfig({
  ...shared,
  resolve: {
    alias: [
      ...((shared.resolve?.alias as { find: RegExp; replacement: string }[]) ?? []),
      // `react/jsx-runtime`, `react-dom/client`... too.
      ...onReact18.map((pkg) => ({
        find: new RegExp(`^${pkg.replace("/", "\\/")}(?=$|/)`),
        replacement: here(pkg),
      })),
    ],
  },
});
