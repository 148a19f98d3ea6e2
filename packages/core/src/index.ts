export { parseFileSize } from "./parse-file-size";
