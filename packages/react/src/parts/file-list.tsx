import type { UploadFile } from "@upkit/core";
import { formatFileSize } from "@upkit/core";
import {
  Fragment,
  type HTMLAttributes,
  type LiHTMLAttributes,
  lazy,
  memo,
  type ReactNode,
  Suspense,
  useDeferredValue,
} from "react";
import {
  FileItemProvider,
  partProps,
  useUploaderContext,
  useUploaderUi,
} from "../uploader-context";
import { Actions } from "./actions";
import { Preview } from "./preview";
import { Progress } from "./progress";
import { Result, Status } from "./status";

const MOVING = new Set(["queued", "uploading", "paused", "processing"]);

/**
 * Past this many rows the list is windowed by default: only the rows near the viewport are
 * mounted (`windowed-file-list.tsx`, loaded then). Mounting 100 rows takes about 15 ms in
 * Chromium; 1,000 took one task of 150 ms, and once mounted, Chromium's work on 1,000 rows took
 * frames of 55 to 64 ms (bench/many-files).
 */
const WINDOW_FROM = 100;
/** Rows shown while the windowed list's code loads: about a screenful. */
const ROWS_WHILE_LOADING = 20;

const WindowedFileList = lazy(() => import("./windowed-file-list"));

export interface FileItemProps extends LiHTMLAttributes<HTMLLIElement> {
  file: UploadFile;
  /** Replaces the row's content; the parts inside find `file` on their own. */
  children?: ReactNode;
}

/**
 * One row: preview, name, size, status or reason, progress while moving, the result link once
 * stored, and the buttons. Memoized: a row renders again only when its file changes.
 * `data-state`: the file's status.
 */
export const FileItem = memo(function FileItem({
  file,
  className,
  children,
  ...props
}: FileItemProps) {
  const { classNames, locale } = useUploaderUi();
  const state = file.status;
  return (
    <FileItemProvider value={file}>
      <li {...props} {...partProps("file-item", classNames, state, className)}>
        {children ?? (
          <>
            <Preview />
            <div {...partProps("file-info", classNames, state)}>
              <span {...partProps("file-name", classNames, state)}>{file.name}</span>
              <span {...partProps("file-size", classNames, state)}>
                {formatFileSize(file.size, locale)}
              </span>
              <Status />
              {MOVING.has(state) ? <Progress /> : null}
              <Result />
            </div>
            <Actions />
          </>
        )}
      </li>
    </FileItemProvider>
  );
});

export interface FileListProps<TData = unknown>
  extends Omit<HTMLAttributes<HTMLUListElement>, "children"> {
  /** Renders a row instead of `<Uploader.FileItem>`; return an `<li>` (or a FileItem). */
  renderFile?: (file: UploadFile<TData>) => ReactNode;
  /**
   * Past this many files, only the rows near the viewport are mounted (default 100). `false`
   * mounts every row: for styles that do not put one file per line, such as a grid of cards.
   */
  windowFrom?: number | false;
}

/**
 * The added files, rejected ones included, in order. Renders nothing while empty. Past
 * `windowFrom` files only the rows near the viewport are mounted, each with `aria-posinset` and
 * `aria-setsize`.
 * `data-state`: `uploading` or `idle`.
 */
export function FileList<TData = unknown>({
  renderFile,
  windowFrom = WINDOW_FROM,
  className,
  ...props
}: FileListProps<TData>) {
  const { files: current, isUploading } = useUploaderContext<TData>();
  // A drop of 1,000 files renders the list in the background, so the page keeps answering;
  // unchanged rows are skipped (FileItem is memoized).
  const files = useDeferredValue(current);
  const { messages, classNames } = useUploaderUi();
  if (files.length === 0) return null;
  const listProps = {
    "aria-label": messages.fileList,
    ...props,
    ...partProps("file-list", classNames, isUploading ? "uploading" : "idle", className),
  };
  const renderRow = (file: UploadFile<TData>) =>
    renderFile ? (
      <Fragment key={file.id}>{renderFile(file)}</Fragment>
    ) : (
      <FileItem key={file.id} file={file as UploadFile} />
    );
  const firstRows = (count: number) => (
    <ul {...listProps}>{files.slice(0, count).map(renderRow)}</ul>
  );
  if (windowFrom === false || files.length <= windowFrom) return firstRows(files.length);
  return (
    <Suspense fallback={firstRows(ROWS_WHILE_LOADING)}>
      <WindowedFileList
        files={files as readonly UploadFile[]}
        renderRow={renderRow as (file: UploadFile) => ReactNode}
        listProps={listProps}
      />
    </Suspense>
  );
}
