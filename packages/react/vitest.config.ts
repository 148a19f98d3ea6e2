import { defineConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.ts";

export default defineConfig(
  sharedTestConfig(import.meta.dirname, {
    environment: "jsdom",
    setupFiles: ["./test/support/setup.ts"],
    globalSetup: ["./test/support/build-packages.ts", "./test/support/upload-stack.ts"],
    testTimeout: 20_000,
  }),
);
