import { expect, it } from "vitest";
import { readImageKitConfig } from "../src/imagekit/imagekit-config";

const env = {
  IMAGEKIT_PRIVATE_KEY: "private_test_key_value",
  IMAGEKIT_PUBLIC_KEY: "public_test_key_value",
  IMAGEKIT_URL_ENDPOINT: "http://localhost:4500/upkit-demo/",
};

it("reads the IMAGEKIT_* environment with documented defaults", () => {
  const config = readImageKitConfig({}, env);
  expect(config.urlEndpoint).toBe("http://localhost:4500/upkit-demo");
  expect(config.uploadEndpoint).toBe("https://upload.imagekit.io");
  expect(config.apiEndpoint).toBe("https://api.imagekit.io");
});

it("names the variable when a key is missing or malformed, without echoing it", () => {
  expect(() => readImageKitConfig({}, { ...env, IMAGEKIT_PRIVATE_KEY: undefined })).toThrow(
    /IMAGEKIT_PRIVATE_KEY is not set/,
  );
  let message = "";
  try {
    readImageKitConfig({}, { ...env, IMAGEKIT_PRIVATE_KEY: "secretish_value" });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/IMAGEKIT_PRIVATE_KEY is malformed/);
  expect(message).not.toContain("secretish_value");
});
