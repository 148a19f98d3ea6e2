// The public API, on purpose: the engine's helpers (fetchJson, xhrRequest, the defaults) are
// internal modules, imported by path inside the package only.
export * from "./check-file";
export * from "./engine/create-uploader";
export * from "./engine/direct-transport";
export { type DownscaleImageOptions, downscaleImage } from "./engine/downscale-image";
export { createMemoryUrlStorage } from "./engine/memory-url-storage";
export * from "./engine/proxy-transport";
export type { TusOptions, TusPreviousUpload, TusUrlStorage } from "./engine/tus-options";
export * from "./engine/tus-transport";
export { UPLOADER_CALLBACKS } from "./engine/uploader-callbacks";
export type * from "./engine/uploader-types";
export * from "./format-file-size";
export type * from "./handler-contract";
export { type FileSize, parseFileSize } from "./parse-file-size";
export * from "./protocol";
export * from "./restrictions";
export * from "./retry";
export * from "./to-imagekit-fields";
export * from "./upload-error";
export * from "./upload-options";
export * from "./upload-result";
