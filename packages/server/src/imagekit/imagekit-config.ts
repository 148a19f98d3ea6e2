export interface ImageKitConfig {
  privateKey: string;
  publicKey: string;
  urlEndpoint: string;
  uploadEndpoint: string;
  apiEndpoint: string;
}

type Env = Record<string, string | undefined>;

/**
 * Options first, then the `IMAGEKIT_*` environment. A missing or malformed key fails here, at
 * start, naming the variable, never later inside a request. The key itself is never echoed.
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
  if (!privateKey.startsWith("private_"))
    throw new Error(
      'IMAGEKIT_PRIVATE_KEY is malformed: ImageKit private keys start with "private_"',
    );
  if (!publicKey)
    throw new Error("IMAGEKIT_PUBLIC_KEY is not set (pass imagekit.publicKey or set the variable)");
  if (!publicKey.startsWith("public_"))
    throw new Error('IMAGEKIT_PUBLIC_KEY is malformed: ImageKit public keys start with "public_"');
  if (!urlEndpoint)
    throw new Error(
      "IMAGEKIT_URL_ENDPOINT is not set (pass imagekit.urlEndpoint or set the variable)",
    );
  return {
    privateKey,
    publicKey,
    urlEndpoint: urlEndpoint.replace(/\/+$/, ""),
    uploadEndpoint: (
      options.uploadEndpoint ??
      env.IMAGEKIT_UPLOAD_ENDPOINT ??
      "https://upload.imagekit.io"
    ).replace(/\/+$/, ""),
    apiEndpoint: (
      options.apiEndpoint ??
      env.IMAGEKIT_API_ENDPOINT ??
      "https://api.imagekit.io"
    ).replace(/\/+$/, ""),
  };
}
