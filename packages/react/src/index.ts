export type {
  DataFor,
  FileStatus,
  InputFor,
  MissingHandlerType,
  ProfileOf,
  UploadError,
  UploaderOptions,
  UploaderSnapshot,
  UploaderTotals,
  UploadFile,
  UploadResult,
} from "@upkit/core";
export { formatFileSize } from "@upkit/core";
export {
  createUploadComponents,
  type TypedUploaderOptions,
  type TypedUploaderProps,
  type UploadComponents,
} from "./create-upload-components";
export { formatDuration, formatPercent } from "./format-duration";
export {
  defaultMessages,
  type RejectionValues,
  type UploaderMessages,
  type UploaderMessagesInput,
} from "./messages";
export {
  type ActionsProps,
  type FileAction,
  FileButton,
  type FileButtonProps,
} from "./parts/actions";
export type { DropzoneProps } from "./parts/dropzone";
export type { FileItemProps, FileListProps } from "./parts/file-list";
export type { PreviewProps } from "./parts/preview";
export type { ProgressProps } from "./parts/progress";
export type { ResultProps, StatusProps } from "./parts/status";
export { Uploader, UploaderParts, type UploaderProps } from "./uploader";
export {
  type UploaderClassNames,
  type UploaderPart,
  UploaderProvider,
  type UploaderProviderProps,
  type UploaderUi,
  useFileItem,
  useUploaderContext,
  useUploaderUi,
} from "./uploader-context";
export { type Preview, type PreviewKind, usePreview } from "./use-preview";
export {
  type UploaderActions,
  type UseUploaderOptions,
  type UseUploaderResult,
  useUploader,
} from "./use-uploader";
