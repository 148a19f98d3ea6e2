import { defineConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.ts";

export default defineConfig(sharedTestConfig(import.meta.dirname, { testTimeout: 30_000 }));
