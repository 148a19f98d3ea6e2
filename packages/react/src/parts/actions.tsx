import { canRetry, type FileStatus, type UploadFile } from "@upkit/core";
import type { ButtonHTMLAttributes, HTMLAttributes, MouseEvent } from "react";
import {
  partProps,
  type UploaderPart,
  useFileItem,
  useUploaderContext,
  useUploaderUi,
} from "../uploader-context";

export type FileAction = "cancel" | "retry" | "remove" | "pause" | "resume";

/**
 * Which actions make sense in which state. `Actions` shows retry only where it may help besides
 * (`canRetry`): not after a refusal, bad input or a broken rule, which would fail again.
 */
export const FILE_ACTIONS: Record<FileStatus, FileAction[]> = {
  queued: ["cancel"],
  uploading: ["cancel"],
  // Still cancelable while the server or ImageKit finishes: a stuck answer must not trap the user.
  processing: ["cancel"],
  paused: ["resume", "cancel"],
  error: ["retry", "remove"],
  canceled: ["retry", "remove"],
  success: ["remove"],
  rejected: ["remove"],
};

export interface FileButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** Default: the surrounding `<Uploader.FileItem>`'s file. */
  file?: UploadFile;
}

/** A button acting on one file; the named buttons below are this with their `action`. */
export function FileButton({
  action,
  file: fileProp,
  className,
  onClick,
  children,
  ...props
}: FileButtonProps & { action: FileAction }) {
  const file = useFileItem(fileProp);
  const { actions, messages, classNames } = useUploaderUi();
  return (
    <button
      type="button"
      aria-label={messages[`${action}Label`]({ name: file.name })}
      {...props}
      {...partProps(`${action}-button` as UploaderPart, classNames, file.status, className)}
      onClick={(event: MouseEvent<HTMLButtonElement>) => {
        onClick?.(event);
        if (!event.defaultPrevented) actions[action](file.id);
      }}
    >
      {children ?? messages[action]}
    </button>
  );
}

/** Cancels a queued, uploading or paused file (`event.preventDefault()` in `onClick` stops it). */
export function CancelButton(props: FileButtonProps) {
  return <FileButton action="cancel" {...props} />;
}
/**
 * Tries a failed or canceled file again. Renders nothing when a retry cannot help (`canRetry`):
 * a refusal (unauthorized, forbidden), bad input, a type or size the server refused.
 */
export function RetryButton(props: FileButtonProps) {
  const file = useFileItem(props.file);
  return canRetry(file) ? <FileButton action="retry" {...props} /> : null;
}
/** Takes the file off the list (cancelling it first). */
export function RemoveButton(props: FileButtonProps) {
  return <FileButton action="remove" {...props} />;
}
/** Pauses an upload that can resume (tus). */
export function PauseButton(props: FileButtonProps) {
  return <FileButton action="pause" {...props} />;
}
export function ResumeButton(props: FileButtonProps) {
  return <FileButton action="resume" {...props} />;
}

const BUTTONS = {
  cancel: CancelButton,
  retry: RetryButton,
  remove: RemoveButton,
  pause: PauseButton,
  resume: ResumeButton,
};

export interface ActionsProps extends HTMLAttributes<HTMLDivElement> {
  /** Default: the surrounding `<Uploader.FileItem>`'s file. */
  file?: UploadFile;
}

/**
 * The buttons that fit the file's state: cancel, retry (when it may help), remove (pause /
 * resume with tus).
 */
export function Actions({ file: fileProp, className, ...props }: ActionsProps) {
  const file = useFileItem(fileProp);
  const { classNames } = useUploaderUi();
  const list = FILE_ACTIONS[file.status].filter((action) => action !== "retry" || canRetry(file));
  const shown =
    file.status === "uploading" && file.transport === "tus" ? ["pause" as const, ...list] : list;
  return (
    <div {...props} {...partProps("actions", classNames, file.status, className)}>
      {shown.map((action) => {
        const Button = BUTTONS[action];
        return <Button key={action} file={file} />;
      })}
    </div>
  );
}

/**
 * Starts the queued files; shown by `<Uploader>` only with `autoUpload={false}`. Renders
 * nothing when no file waits. `data-state`: `ready`.
 */
export function StartButton({
  className,
  onClick,
  children,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement>) {
  const { totals } = useUploaderContext();
  const { actions, messages, classNames } = useUploaderUi();
  if (totals.queued === 0) return null;
  return (
    <button
      type="button"
      {...props}
      {...partProps("start-button", classNames, "ready", className)}
      onClick={(event) => {
        onClick?.(event);
        if (!event.defaultPrevented) actions.start();
      }}
    >
      {children ?? messages.start({ count: totals.queued })}
    </button>
  );
}
