import { formatFileSize } from "@upkit/core";
import { type HTMLAttributes, type ReactNode, useId } from "react";
import { partProps, useUploaderContext, useUploaderUi } from "../uploader-context";
import { withPreload } from "../with-preload";
import { preloadFileParts } from "./lazy-parts";

const preloadParts = () => {
  void preloadFileParts().catch(() => {});
};

export interface DropzoneProps extends HTMLAttributes<HTMLDivElement> {
  /** Replaces the icon, label and restrictions. */
  children?: ReactNode;
}

/**
 * The drop area: drag & drop (folders too), click, Enter / Space, paste while focused. A button
 * for assistive technology; the hidden file input follows it. `data-state`: `idle`, `dragging`,
 * `rejecting` (dragged types not accepted) or `disabled`.
 */
export function Dropzone({
  className,
  children,
  onPointerEnter,
  onFocus,
  onDragEnter,
  ...props
}: DropzoneProps) {
  const uploader = useUploaderContext();
  const { messages, classNames, locale, restrictions } = useUploaderUi();
  const id = useId();
  const labelId = `${id}label`;
  const hintId = `${id}hint`;
  const state = uploader.disabled
    ? "disabled"
    : uploader.isDragReject
      ? "rejecting"
      : uploader.isDragActive
        ? "dragging"
        : "idle";
  const hint =
    restrictions &&
    messages.restrictions({
      accept: restrictions.accept?.join(", "),
      maxFileSize:
        restrictions.maxFileSize === undefined
          ? undefined
          : formatFileSize(restrictions.maxFileSize, locale),
      maxFiles: restrictions.maxFiles,
    });
  const label =
    state === "rejecting"
      ? messages.dropzoneReject
      : state === "dragging"
        ? messages.dropzoneActive
        : messages.dropzone;
  // The file list's code loads when the user reaches for the dropzone, not with the page.
  const reaching = {
    onPointerEnter: withPreload(onPointerEnter, preloadParts),
    onFocus: withPreload(onFocus, preloadParts),
    onDragEnter: withPreload(onDragEnter, preloadParts),
  };
  return (
    <>
      <div
        {...uploader.getRootProps({
          role: "button",
          "aria-labelledby": children ? undefined : labelId,
          "aria-describedby": hint && !children ? hintId : undefined,
          ...props,
          ...reaching,
          ...partProps("dropzone", classNames, state, className),
          "data-focused": uploader.isFocused ? "" : undefined,
        })}
      >
        {children ?? (
          <>
            <span {...partProps("dropzone-icon", classNames, state)}>
              <UploadIcon />
            </span>
            <span id={labelId} {...partProps("dropzone-label", classNames, state)}>
              {label}
            </span>
            {hint ? (
              <span id={hintId} {...partProps("restrictions", classNames, state)}>
                {hint}
              </span>
            ) : null}
          </>
        )}
      </div>
      <input
        {...uploader.getInputProps({
          "aria-label": messages.inputLabel,
          ...partProps("input", classNames, state),
        })}
      />
      {uploader.configError ? (
        <p role="alert" {...partProps("config-error", classNames, "error")}>
          {messages.configError({ message: uploader.configError.message })}
        </p>
      ) : null}
    </>
  );
}

/** Decorative (aria-hidden): the label next to it says the same. */
function UploadIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" width="32" height="32" fill="none">
      <path
        d="M12 16V4m0 0L7 9m5-5 5 5M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
