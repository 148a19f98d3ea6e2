import type { UploadFile } from "@upkit/core";
import { type HTMLAttributes, useRef } from "react";
import { partProps, useFileItem, useUploaderUi } from "../uploader-context";
import { usePreview } from "../use-preview";

export interface PreviewProps extends HTMLAttributes<HTMLDivElement> {
  /** Default: the surrounding `<Uploader.FileItem>`'s file. */
  file?: UploadFile;
  /** Width of image thumbnails in CSS pixels (scaled by the device pixel ratio). Default 128. */
  width?: number;
}

/**
 * A local preview, made when the row comes into view: an image thumbnail, a video's first
 * frame, or an icon. Decorative (the file name is next to it). `data-state`: `loading`,
 * `image`, `video` or `icon`.
 */
export function Preview({ file: fileProp, width, className, ...props }: PreviewProps) {
  const file = useFileItem(fileProp);
  const { classNames } = useUploaderUi();
  const ref = useRef<HTMLDivElement>(null);
  const preview = usePreview(file.file, ref, width);
  const state = preview.kind === "icon" ? "icon" : preview.url ? preview.kind : "loading";
  return (
    <div
      ref={ref}
      aria-hidden="true"
      {...props}
      {...partProps("preview", classNames, state, className)}
    >
      {state === "image" ? (
        <img src={preview.url} alt="" decoding="async" />
      ) : state === "video" ? (
        // A media fragment seeks to 0.1 s, so the first frame shows as a poster.
        <video src={`${preview.url}#t=0.1`} preload="metadata" muted playsInline tabIndex={-1} />
      ) : (
        <FileIcon />
      )}
    </div>
  );
}

/** Decorative (aria-hidden): the file name is next to it. */
function FileIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" width="28" height="28" fill="none">
      <path
        d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8l-5-5Zm0 0v5h5"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinejoin="round"
      />
    </svg>
  );
}
