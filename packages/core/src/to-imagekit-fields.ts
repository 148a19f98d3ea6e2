import type { ResolvedUploadOptions } from "./upload-options";

/**
 * ImageKit's wire form of upload options, as every official SDK serialises them: arrays joined
 * with `,`, objects as JSON, booleans and numbers as strings. The same strings are a v2 JWT's
 * claims, so what the server signs is exactly what the browser sends.
 */
export function toImageKitFields(options: ResolvedUploadOptions): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    switch (key) {
      case "tags":
      case "responseFields":
        fields[key] = (value as string[]).join(",");
        break;
      case "customCoordinates": {
        const { x, y, width, height } = value as NonNullable<
          ResolvedUploadOptions["customCoordinates"]
        >;
        fields[key] = `${x},${y},${width},${height}`;
        break;
      }
      case "extensions":
      case "customMetadata":
      case "transformation":
        fields[key] = JSON.stringify(value);
        break;
      default:
        fields[key] = String(value);
    }
  }
  return fields;
}

/** The inverse of `toImageKitFields`, for checks and tests: ImageKit's strings back to options. */
export function fromImageKitFields(fields: Record<string, string>): ResolvedUploadOptions {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    switch (key) {
      case "tags":
      case "responseFields":
        options[key] = value === "" ? [] : value.split(",");
        break;
      case "customCoordinates": {
        const [x, y, width, height] = value.split(",").map(Number);
        options[key] = { x, y, width, height };
        break;
      }
      case "extensions":
      case "customMetadata":
      case "transformation":
        options[key] = JSON.parse(value);
        break;
      case "useUniqueFileName":
      case "isPrivateFile":
      case "isPublished":
      case "overwriteFile":
      case "overwriteAITags":
      case "overwriteTags":
      case "overwriteCustomMetadata":
        options[key] = value === "true";
        break;
      default:
        options[key] = value;
    }
  }
  return options as ResolvedUploadOptions;
}
