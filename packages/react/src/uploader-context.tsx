import type { PublicRestrictions, UploadFile } from "@upkit/core";
import { createContext, type ReactNode, useContext, useMemo } from "react";
import { resolveMessages, type UploaderMessages, type UploaderMessagesInput } from "./messages";
import type { UploaderActions, UseUploaderResult } from "./use-uploader";

/** Every part of the styled uploader, as its `data-part` attribute and `classNames` key. */
export type UploaderPart =
  | "root"
  | "dropzone"
  | "dropzone-icon"
  | "dropzone-label"
  | "restrictions"
  | "input"
  | "config-error"
  | "file-list"
  | "file-item"
  | "preview"
  | "file-info"
  | "file-name"
  | "file-size"
  | "status"
  | "status-text"
  | "message"
  | "processing"
  | "resumed"
  | "result"
  | "result-thumbnail"
  | "progress"
  | "progress-track"
  | "progress-bar"
  | "progress-text"
  | "total-progress"
  | "actions"
  | "cancel-button"
  | "retry-button"
  | "remove-button"
  | "pause-button"
  | "resume-button"
  | "start-button"
  | "live-region";

/** Extra class names per part, added to the part's own `className`. */
export type UploaderClassNames = Partial<Record<UploaderPart, string>>;

/** What the parts need besides the uploader state; stable while the options are. */
export interface UploaderUi {
  actions: UploaderActions;
  messages: UploaderMessages;
  classNames: UploaderClassNames;
  locale: string | undefined;
  restrictions: PublicRestrictions | undefined;
  autoUpload: boolean;
}

const UploaderContext = createContext<UseUploaderResult | null>(null);
// Kept apart from the uploader state, which changes on every progress tick: file rows read only
// this one (and their own file), so a memoized row renders again only when its file changes.
const UploaderUiContext = createContext<UploaderUi | null>(null);
const FileItemContext = createContext<UploadFile | null>(null);

export interface UploaderProviderProps {
  /** What `useUploader` returned. */
  value: UseUploaderResult<never> | UseUploaderResult;
  messages?: UploaderMessagesInput;
  classNames?: UploaderClassNames;
  /** For sizes, times and percentages (`Intl`); default: the browser's. */
  locale?: string;
  /** Whether files start on their own (shows the start button when false). Default true. */
  autoUpload?: boolean;
  children?: ReactNode;
}

/** Gives the parts an uploader made with `useUploader` (the styled `<Uploader>` does this). */
export function UploaderProvider({
  value,
  messages,
  classNames,
  locale,
  autoUpload = true,
  children,
}: UploaderProviderProps) {
  const uploader = value as UseUploaderResult;
  const resolved = useMemo(() => resolveMessages(messages), [messages]);
  const restrictions = uploader.config?.restrictions;
  // Bound once by the engine: the same object as long as the engine is.
  const { actions } = uploader.uploader;
  const ui = useMemo<UploaderUi>(
    () => ({
      actions,
      messages: resolved,
      classNames: classNames ?? {},
      locale,
      restrictions,
      autoUpload,
    }),
    [actions, resolved, classNames, locale, restrictions, autoUpload],
  );
  return (
    <UploaderContext.Provider value={uploader}>
      <UploaderUiContext.Provider value={ui}>{children}</UploaderUiContext.Provider>
    </UploaderContext.Provider>
  );
}

/** The `useUploader` result of the surrounding `<Uploader>` / `<UploaderProvider>`. */
export function useUploaderContext<TData = unknown>(): UseUploaderResult<TData> {
  const value = useContext(UploaderContext);
  if (!value) throw new Error("upkit: this part must be inside <Uploader> or <UploaderProvider>");
  return value as UseUploaderResult<TData>;
}

/** Actions, messages, class names and locale of the surrounding uploader. */
export function useUploaderUi(): UploaderUi {
  const value = useContext(UploaderUiContext);
  if (!value) throw new Error("upkit: this part must be inside <Uploader> or <UploaderProvider>");
  return value;
}

export const FileItemProvider = FileItemContext.Provider;

/** The file of the part: its `file` prop, or the surrounding `<Uploader.FileItem>`'s. */
export function useFileItem<TData = unknown>(file?: UploadFile<TData>): UploadFile<TData> {
  const context = useContext(FileItemContext);
  const value = file ?? context;
  if (!value) throw new Error("upkit: pass `file`, or use this part inside <Uploader.FileItem>");
  return value as UploadFile<TData>;
}

/** The attributes every part carries: `data-scope`, `data-part`, `data-state`, class names. */
export function partProps(
  part: UploaderPart,
  classNames: UploaderClassNames,
  state: string,
  className?: string,
) {
  const names = [classNames[part], className].filter(Boolean).join(" ");
  return {
    "data-scope": "upkit",
    "data-part": part,
    "data-state": state,
    className: names || undefined,
  };
}
