import { defineConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.ts";

export default defineConfig(
  sharedTestConfig(import.meta.dirname, {
    setupFiles: ["./test/support/no-key-leak.ts"],
    testTimeout: 30_000,
  }),
);
