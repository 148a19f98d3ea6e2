const HELP = "For support kindly contact us at support@imagekit.io .";

/**
 * An error answered the way ImageKit answers: `{ message, help }` (plus `errors` where ImageKit
 * gives per-field details) with the documented status code.
 */
export class ImageKitError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string> | unknown[],
  ) {
    super(message);
    this.name = "ImageKitError";
  }

  toJSON() {
    return { message: this.message, help: HELP, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

/** The documented messages, in one place so the README and the tests can list them. */
export const MESSAGES = {
  missingPrivateKey: "Your request does not contain private API key.",
  cannotAuthenticate: "Your account cannot be authenticated.",
  bothSignatureAndBasic:
    "Your request contains both signature and basic auth parameter. Use only one method, you might be exposing your private API key.",
  bothTokenAndBasic:
    "Your request contains both token and basic auth parameter. Use only one method, you might be exposing your private API key.",
  invalidExpire:
    "Your request contains invalid expire parameter. Expire parameter should be a Unix time in less than 1 hour into the future.",
  invalidSignature: "Your request contains invalid signature parameter.",
  tokenUsed: (token: string) =>
    `The token with value '${token}' has been used before. We suggest using V4 UUIDs, or another random string with enough entropy to avoid collisions.`,
  missingToken: "Your request is missing token parameter.",
  expiredToken: "Your request contains expired token.",
  invalidToken: "Your request has invalid token.",
  payloadMismatch:
    "Your request contains invalid payload. It does not match with the payload used to generate token.",
  missingParameter: (name: string) => `Your request is missing ${name} parameter.`,
  invalidParameter: (name: string) => `Your request contains invalid ${name} parameter.`,
  fileTooLarge: "Your request contains invalid file parameter. The file size exceeds limits.",
  fileUrlFailed:
    "Your request contains invalid file parameter. The file could not be downloaded from the URL.",
  overwriteConflict:
    "A file with the same name already exists at the exact location. We could not overwrite it because both overwriteFile and useUniqueFileName are set to false.",
  tooManyVersions: "The file has reached the maximum number of versions.",
  invalidCustomMetadata: "Invalid custom metadata.",
  invalidTransformation:
    "The file could not be uploaded because the transformation field is invalid.",
  transformationNotMedia:
    "The file could not be uploaded because transformations are supported only for image and video files.",
  transformationIncompatible:
    "The file could not be uploaded because the detected file type & post-transformation are incompatible.",
  preTransformQueued: "The pre-transformation has been queued successfully.",
  checksSyntax: "Your request contains invalid syntax for the checks parameter.",
  checksFailed: "Your request failed 'checks' validation.",
  fileNotFound: "The requested file does not exist.",
  tooManyRequests: "Too many requests. Please try again later.",
  notFound: "The requested resource does not exist.",
} as const;
