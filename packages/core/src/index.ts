export { type FileSize, parseFileSize } from "./parse-file-size";
export * from "./protocol";
export * from "./restrictions";
export * from "./to-imagekit-fields";
export * from "./upload-error";
export * from "./upload-options";
export * from "./upload-result";
