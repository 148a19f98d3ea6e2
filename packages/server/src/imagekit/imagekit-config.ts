export interface ImageKitConfig {
  privateKey: string;
  publicKey: string;
  urlEndpoint: string;
  uploadEndpoint: string;
  apiEndpoint: string;
}

type Env = Record<string, string | undefined>;

/**
 * Options first, then the `IMAGEKIT_*` environment. A missing or malformed key throws here,
 * naming the variable; the key itself is never echoed. The returned object keeps the private key
 * non-enumerable, so `JSON.stringify` and `console.log` of it (or of anything holding it) do not
 * show the key.
 */
export function readImageKitConfig(
  options: Partial<ImageKitConfig> = {},
  env: Env = process.env,
): ImageKitConfig {
  const privateKey = options.privateKey ?? env.IMAGEKIT_PRIVATE_KEY;
  const publicKey = options.publicKey ?? env.IMAGEKIT_PUBLIC_KEY;
  const urlEndpoint = options.urlEndpoint ?? env.IMAGEKIT_URL_ENDPOINT;
  if (!privateKey)
    throw new Error(
      "IMAGEKIT_PRIVATE_KEY is not set (pass imagekit.privateKey or set the variable)",
    );
  if (!/^private_\S+$/.test(privateKey)) {
    throw new Error(
      'IMAGEKIT_PRIVATE_KEY is malformed: ImageKit private keys start with "private_"',
    );
  }
  if (!publicKey)
    throw new Error("IMAGEKIT_PUBLIC_KEY is not set (pass imagekit.publicKey or set the variable)");
  if (!/^public_\S+$/.test(publicKey)) {
    throw new Error('IMAGEKIT_PUBLIC_KEY is malformed: ImageKit public keys start with "public_"');
  }
  if (!urlEndpoint)
    throw new Error(
      "IMAGEKIT_URL_ENDPOINT is not set (pass imagekit.urlEndpoint or set the variable)",
    );
  const url = (name: string, value: string) => {
    try {
      return new URL(value).toString().replace(/\/+$/, "");
    } catch {
      throw new Error(`${name} is not a URL: ${value}`);
    }
  };
  const config = {
    publicKey,
    urlEndpoint: url("IMAGEKIT_URL_ENDPOINT", urlEndpoint),
    uploadEndpoint: url(
      "IMAGEKIT_UPLOAD_ENDPOINT",
      options.uploadEndpoint ?? env.IMAGEKIT_UPLOAD_ENDPOINT ?? "https://upload.imagekit.io",
    ),
    apiEndpoint: url(
      "IMAGEKIT_API_ENDPOINT",
      options.apiEndpoint ?? env.IMAGEKIT_API_ENDPOINT ?? "https://api.imagekit.io",
    ),
  } as ImageKitConfig;
  Object.defineProperty(config, "privateKey", { value: privateKey, enumerable: false });
  return config;
}

/**
 * `readImageKitConfig` on first use rather than now: the handler is created when its route module
 * loads, and `next build` (or any build, CI job or Docker image without secrets) loads it, so the
 * keys are checked at the first request and by `checkConfig()`, never at import. A good config
 * is read once; a bad one is read again on each call, so every call names the variable.
 */
export function lazyImageKitConfig(
  options: Partial<ImageKitConfig> = {},
  env: Env = process.env,
): () => ImageKitConfig {
  let config: ImageKitConfig | undefined;
  return () => {
    config ??= readImageKitConfig(options, env);
    return config;
  };
}
