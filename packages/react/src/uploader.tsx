import type { UploadFile } from "@upkit/core";
import type { CSSProperties, ReactNode } from "react";
import type { UploaderMessagesInput } from "./messages";
import { Dropzone } from "./parts/dropzone";
import {
  Actions,
  CancelButton,
  FileItem,
  FileList,
  PauseButton,
  Preview,
  Progress,
  RemoveButton,
  Result,
  ResumeButton,
  RetryButton,
  StartButton,
  Status,
  TotalProgress,
} from "./parts/lazy-parts";
import { LiveRegion } from "./parts/live-region";
import { partProps, type UploaderClassNames, UploaderProvider } from "./uploader-context";
import { type UseUploaderOptions, useUploader } from "./use-uploader";

export interface UploaderProps<TInput = unknown, TData = unknown>
  extends UseUploaderOptions<TInput, TData> {
  /** Every string shown or announced; see `UploaderMessages`. */
  messages?: UploaderMessagesInput;
  /** Locale for sizes, times and percentages. Default: the browser's. */
  locale?: string;
  /** Class of the root. */
  className?: string;
  /** Extra classes per part (`{ dropzone: "...", "file-item": "..." }`). */
  classNames?: UploaderClassNames;
  style?: CSSProperties;
  id?: string;
  /** Forces a color scheme (`data-theme`); default: the system's (`prefers-color-scheme`). */
  theme?: "light" | "dark";
  /** Renders a file row instead of `<Uploader.FileItem>`. */
  renderFile?: (file: UploadFile<TData>) => ReactNode;
  /** Replaces the default layout; compose it from the parts (`<Uploader.Dropzone />`, ...). */
  children?: ReactNode;
}

function UploaderRoot<TInput = unknown, TData = unknown>(props: UploaderProps<TInput, TData>) {
  const { messages, locale, className, classNames, style, id, theme, renderFile, children } = props;
  const uploader = useUploader(props);
  const parts = classNames ?? {};
  return (
    <UploaderProvider
      value={uploader}
      messages={messages}
      classNames={classNames}
      locale={locale}
      autoUpload={props.autoUpload ?? true}
    >
      <div
        id={id}
        style={style}
        data-theme={theme}
        {...partProps("root", parts, uploader.isUploading ? "uploading" : "idle", className)}
      >
        {children ?? (
          <>
            <Dropzone />
            <TotalProgress />
            {props.autoUpload === false ? <StartButton /> : null}
            <FileList renderFile={renderFile} />
          </>
        )}
        <LiveRegion />
      </div>
    </UploaderProvider>
  );
}

/** The parts of `<Uploader>`, for a layout of your own inside `<Uploader>` or `<UploaderProvider>`. */
export const UploaderParts = {
  Dropzone,
  FileList,
  FileItem,
  Preview,
  Status,
  Result,
  Progress,
  TotalProgress,
  Actions,
  CancelButton,
  RetryButton,
  RemoveButton,
  PauseButton,
  ResumeButton,
  StartButton,
  LiveRegion,
};

/**
 * The styled uploader, built only from `useUploader` and the parts: a dropzone, the total
 * progress, the file list with previews, progress, results and buttons, and a live region.
 * Import `@upkit/react/styles.css` once for its looks.
 */
export const Uploader = Object.assign(UploaderRoot, UploaderParts);
