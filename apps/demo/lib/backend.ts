/** The emulator's documented defaults: the demo runs on them when no ImageKit keys are set. */
export const EMULATOR_DEFAULTS = {
  privateKey: "private_emulator_key",
  publicKey: "public_emulator_key",
  urlEndpoint: "http://localhost:4500/upkit-demo",
  uploadEndpoint: "http://localhost:4500",
  apiEndpoint: "http://localhost:4500",
  webhookSecret: "whsec_emulator_secret",
} as const;

export type Backend =
  | { kind: "emulator"; urlEndpoint: string }
  | { kind: "imagekit"; urlEndpoint: string };

/** Which ImageKit the demo talks to: real keys in the environment win, else the local emulator. */
export function resolveBackend(env: Record<string, string | undefined> = process.env): Backend {
  if (env.IMAGEKIT_PRIVATE_KEY && env.IMAGEKIT_PRIVATE_KEY !== EMULATOR_DEFAULTS.privateKey) {
    return { kind: "imagekit", urlEndpoint: env.IMAGEKIT_URL_ENDPOINT ?? "" };
  }
  return {
    kind: "emulator",
    urlEndpoint: env.IMAGEKIT_URL_ENDPOINT ?? EMULATOR_DEFAULTS.urlEndpoint,
  };
}
