import type { UploadFile } from "@upkit/core";
import { formatFileSize } from "@upkit/core";
import {
  Fragment,
  type HTMLAttributes,
  type LiHTMLAttributes,
  memo,
  type ReactNode,
  useDeferredValue,
  useEffect,
  useState,
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
 * Rows mounted per pass. Mounting a row costs far more than skipping a memoized one, and a
 * deferred render is no bound: when the store changes during it (uploads start at once), React
 * finishes it synchronously, and 1,000 new rows took one task of 150 ms in Chromium
 * (bench/many-files). A pass of 100 rows takes about a tenth of that.
 */
const ROWS_PER_PASS = 100;

/** How many rows may be mounted: grows by `ROWS_PER_PASS` a task until all `total` are. */
function useMountedRows(total: number): number {
  const [limit, setLimit] = useState(ROWS_PER_PASS);
  // Files removed: the next drop starts again from one pass.
  const floor = Math.max(total, ROWS_PER_PASS);
  if (limit > floor) setLimit(floor);
  useEffect(() => {
    if (limit >= total) return;
    // A task of its own for each pass, so the browser paints and answers input in between.
    const timer = setTimeout(() => setLimit((current) => current + ROWS_PER_PASS), 0);
    return () => clearTimeout(timer);
  }, [limit, total]);
  return limit;
}

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
}

/**
 * The added files, rejected ones included, in order. Renders nothing while empty.
 * `data-state`: `uploading` or `idle`.
 */
export function FileList<TData = unknown>({
  renderFile,
  className,
  ...props
}: FileListProps<TData>) {
  const { files: current, isUploading } = useUploaderContext<TData>();
  // A drop of 1,000 files renders the list in the background, its rows mounted a pass at a
  // time, so the page keeps answering; unchanged rows are skipped (FileItem is memoized).
  const files = useDeferredValue(current);
  const mounted = useMountedRows(files.length);
  const { messages, classNames } = useUploaderUi();
  if (files.length === 0) return null;
  return (
    <ul
      aria-label={messages.fileList}
      {...props}
      {...partProps("file-list", classNames, isUploading ? "uploading" : "idle", className)}
    >
      {(mounted < files.length ? files.slice(0, mounted) : files).map((file) =>
        renderFile ? (
          <Fragment key={file.id}>{renderFile(file)}</Fragment>
        ) : (
          <FileItem key={file.id} file={file as UploadFile} />
        ),
      )}
    </ul>
  );
}
