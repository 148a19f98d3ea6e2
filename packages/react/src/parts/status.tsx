import type { PublicRestrictions, UploadFile } from "@upkit/core";
import { formatFileSize } from "@upkit/core";
import type { AnchorHTMLAttributes, HTMLAttributes } from "react";
import type { UploaderMessages } from "../messages";
import { partProps, useFileItem, useUploaderUi } from "../uploader-context";

/** The message of a rejected or failed file in the user's language, or undefined. */
export function fileMessage(
  file: UploadFile,
  messages: UploaderMessages,
  restrictions: PublicRestrictions | undefined,
  locale: string | undefined,
): string | undefined {
  if (file.rejection) {
    const size = (bytes: number | undefined) =>
      bytes === undefined ? undefined : formatFileSize(bytes, locale);
    return messages.rejection[file.rejection.code]({
      name: file.name,
      size: formatFileSize(file.size, locale),
      maxFileSize: size(restrictions?.maxFileSize),
      minFileSize: size(restrictions?.minFileSize),
      accept: restrictions?.accept?.join(", "),
      maxFiles: restrictions?.maxFiles,
    });
  }
  if (file.status === "error" && file.error) {
    return messages.error({ name: file.name, code: file.error.code, message: file.error.message });
  }
  return undefined;
}

export interface StatusProps extends HTMLAttributes<HTMLDivElement> {
  /** Default: the surrounding `<Uploader.FileItem>`'s file. */
  file?: UploadFile;
}

/** Whether the server is sending the file on to ImageKit (tus's second phase). */
export const isForwarding = (file: UploadFile) =>
  file.status === "processing" && file.phase === "forwarding";

/** The status in words, or the leg a `processing` file is on (forwarding, queued at ImageKit). */
function statusText(file: UploadFile, messages: UploaderMessages): string {
  if (isForwarding(file)) return messages.forwarding;
  if (file.status === "processing" && file.phase === "queued") return messages.queued;
  return messages.status[file.status];
}

/** "Resumed from 40 MB" while a resumed tus upload goes on or is paused, else undefined. */
function resumedMessage(file: UploadFile, messages: UploaderMessages, locale: string | undefined) {
  if (!file.resumedFrom || (file.status !== "uploading" && file.status !== "paused")) return;
  return messages.resumed({ size: formatFileSize(file.resumedFrom, locale) });
}

/**
 * The file's status in words ("Sending to ImageKit…" while tus forwards it, "Queued at
 * ImageKit…" while ImageKit transforms a file before storing it), the reason of a
 * rejection or failure, where a resumed upload went on from, and the post-transformations still
 * processing. `data-state`: the file's status.
 */
export function Status({ file: fileProp, className, ...props }: StatusProps) {
  const file = useFileItem(fileProp);
  const { messages, classNames, restrictions, locale } = useUploaderUi();
  const message = fileMessage(file, messages, restrictions, locale);
  const resumed = resumedMessage(file, messages, locale);
  const pending = file.processing?.pending ?? [];
  return (
    <div {...props} {...partProps("status", classNames, file.status, className)}>
      <span {...partProps("status-text", classNames, file.status)}>
        {statusText(file, messages)}
      </span>
      {message ? <span {...partProps("message", classNames, file.status)}>{message}</span> : null}
      {resumed ? <span {...partProps("resumed", classNames, file.status)}>{resumed}</span> : null}
      {pending.length > 0 && file.processing ? (
        <span {...partProps("processing", classNames, "processing")}>
          {messages.processing(file.processing)}
        </span>
      ) : null}
    </div>
  );
}

export interface ResultProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  /** Default: the surrounding `<Uploader.FileItem>`'s file. */
  file?: UploadFile;
}

/**
 * A link to the stored file (ImageKit's `url`), with its `thumbnailUrl` when there is one.
 * Renders nothing until the file is uploaded. `data-state`: `processing` while
 * post-transformations are pending, else `ready`.
 */
export function Result({ file: fileProp, className, ...props }: ResultProps) {
  const file = useFileItem(fileProp);
  const { messages, classNames } = useUploaderUi();
  if (file.status !== "success" || !file.result) return null;
  const state = file.processing?.pending.length ? "processing" : "ready";
  return (
    <a
      href={file.result.url}
      target="_blank"
      rel="noopener noreferrer"
      {...props}
      {...partProps("result", classNames, state, className)}
    >
      {file.result.thumbnailUrl ? (
        <img
          src={file.result.thumbnailUrl}
          alt=""
          loading="lazy"
          {...partProps("result-thumbnail", classNames, state)}
        />
      ) : null}
      <span>{messages.openResult({ name: file.name })}</span>
    </a>
  );
}
