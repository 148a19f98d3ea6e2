export { type ImageKitConfig, readImageKitConfig } from "./read-imagekit-config";
