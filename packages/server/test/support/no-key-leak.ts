import { afterAll, expect } from "vitest";
import { seen } from "./call";

// Every response any test of this package saw through `call()`: none may carry the key.
afterAll(() => {
  for (const response of seen) {
    expect(response.body, response.url).not.toContain("private_emulator_key");
    expect(response.headers, response.url).not.toContain("private_emulator_key");
  }
});
