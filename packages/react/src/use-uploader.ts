import {
  createUploader,
  UPLOADER_CALLBACKS,
  type Uploader,
  type UploaderActions,
  type UploaderOptions,
  type UploaderSnapshot,
} from "@upkit/core";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { DropzoneInputProps, DropzoneRootProps } from "react-dropzone";
import { useUploaderDropzone } from "./use-uploader-dropzone";

export interface UseUploaderOptions<TInput = unknown, TData = unknown>
  extends UploaderOptions<TInput, TData> {
  /** Turns the dropzone off: no drop, click, keyboard or paste. */
  disabled?: boolean;
  /**
   * An engine made elsewhere (`createUploader` from `@upkit/core`), e.g. one shared by two
   * components; the other engine options are then ignored, callbacks and `input` still apply.
   */
  uploader?: Uploader<TData>;
}

/** The engine's actions, bound: safe to pass around and stable across renders. */
export type { UploaderActions };

export interface UseUploaderResult<TData = unknown>
  extends UploaderSnapshot<TData>,
    UploaderActions<TData> {
  /** The engine itself. */
  uploader: Uploader<TData>;
  /** Props for the drop area: drag & drop, click, Enter / Space, paste. Merges yours. */
  getRootProps<T extends DropzoneRootProps>(props?: T): T;
  /** Props for the (hidden) file input; `accept` and `multiple` follow the restrictions. */
  getInputProps<T extends DropzoneInputProps>(props?: T): T;
  /** Opens the file picker. */
  open(): void;
  isDragActive: boolean;
  /** Dragged files do not match `accept` (by MIME type; known during the drag only). */
  isDragReject: boolean;
  isFocused: boolean;
  disabled: boolean;
}

/**
 * Every callback, unset: laid under the options, so a callback dropped from them since the last
 * render is dropped by the engine too (`setOptions` changes only the callbacks it is given).
 */
const noCallbacks = Object.fromEntries(UPLOADER_CALLBACKS.map((name) => [name, undefined]));

/**
 * The headless uploader: creates the engine once, keeps its callbacks current, reads its state
 * with `useSyncExternalStore`, and wires react-dropzone to `addFiles`. Everything the styled
 * `<Uploader>` shows comes from here.
 */
export function useUploader<TInput = unknown, TData = unknown>(
  options: UseUploaderOptions<TInput, TData>,
): UseUploaderResult<TData> {
  const [owned] = useState(() =>
    options.uploader
      ? undefined
      : (createUploader(options as UploaderOptions<unknown, unknown>) as Uploader<TData>),
  );
  const uploader = (options.uploader ?? owned) as Uploader<TData>;

  // The engine takes the callbacks and `input` from the options, and ignores the rest.
  useEffect(() => {
    uploader.setOptions({ ...noCallbacks, ...options });
  }, [uploader, options]);

  const mounts = useRef(0);
  useEffect(() => {
    if (!owned) return;
    mounts.current++;
    return () => {
      mounts.current--;
      // StrictMode unmounts and mounts again at once: destroy only if no mount followed.
      queueMicrotask(() => {
        if (mounts.current === 0) owned.destroy();
      });
    };
  }, [owned]);

  const subscribe = useCallback((listener: () => void) => uploader.subscribe(listener), [uploader]);
  const getSnapshot = useCallback(() => uploader.getSnapshot(), [uploader]);
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);

  const disabled = options.disabled ?? false;
  const dropzone = useUploaderDropzone(uploader, snapshot.config?.restrictions, disabled);
  return { ...snapshot, ...uploader.actions, uploader, ...dropzone, disabled };
}
