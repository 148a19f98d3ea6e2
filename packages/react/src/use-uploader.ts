import {
  createUploader,
  type Uploader,
  type UploaderActions,
  type UploaderCallbacks,
  type UploaderOptions,
  type UploaderSnapshot,
} from "@upkit/core";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import {
  type DropzoneInputProps,
  type DropzoneRootProps,
  type FileRejection,
  useDropzone,
} from "react-dropzone";
import { toAccept } from "./to-accept";
import { withPreload } from "./with-preload";

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

  const {
    onBeforeUpload,
    onUploadBegin,
    onUploadProgress,
    onUploadComplete,
    onUploadError,
    onUploadAborted,
    input,
  } = options;
  useEffect(() => {
    uploader.setOptions({
      onBeforeUpload,
      onUploadBegin,
      onUploadProgress,
      onUploadComplete,
      onUploadError,
      onUploadAborted,
      input,
    } as Partial<UploaderCallbacks<unknown, TData>>);
  }, [
    uploader,
    onBeforeUpload,
    onUploadBegin,
    onUploadProgress,
    onUploadComplete,
    onUploadError,
    onUploadAborted,
    input,
  ]);

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

  const actions = useMemo<UploaderActions<TData>>(
    () => ({
      addFiles: (files) => uploader.addFiles(files),
      start: () => uploader.start(),
      cancel: (id) => uploader.cancel(id),
      retry: (id) => uploader.retry(id),
      remove: (id) => uploader.remove(id),
      pause: (id) => uploader.pause(id),
      resume: (id) => uploader.resume(id),
      cancelAll: () => uploader.cancelAll(),
      retryAll: () => uploader.retryAll(),
    }),
    [uploader],
  );

  const restrictions = snapshot.config?.restrictions;
  const accept = useMemo(() => toAccept(restrictions?.accept), [restrictions?.accept]);
  // The engine checks every file (one rule set, one set of messages): what react-dropzone
  // would reject goes in too, to come back as a listed rejection.
  const onDrop = useCallback(
    (accepted: File[], rejected: FileRejection[]) => {
      const files = [...accepted, ...rejected.map((rejection) => rejection.file)];
      if (files.length > 0) void actions.addFiles(files);
    },
    [actions],
  );
  const disabled = options.disabled ?? false;
  const dropzone = useDropzone({
    onDrop,
    accept: accept.dropzone,
    multiple: restrictions?.maxFiles !== 1,
    disabled,
  });
  const { getRootProps: getDropzoneRootProps, getInputProps: getDropzoneInputProps } = dropzone;
  // The engine's queue loads with the first file; reaching for the dropzone loads it ahead.
  const getRootProps = useCallback(
    <T extends DropzoneRootProps>(props?: T): T => {
      const preload = () => uploader.preload();
      return getDropzoneRootProps({
        ...props,
        onPointerEnter: withPreload(props?.onPointerEnter, preload),
        onFocus: withPreload(props?.onFocus, preload),
        onDragEnter: withPreload(props?.onDragEnter, preload),
      } as T);
    },
    [getDropzoneRootProps, uploader],
  );
  const getInputProps = useCallback(
    <T extends DropzoneInputProps>(props?: T): T =>
      getDropzoneInputProps({ accept: accept.input, ...props } as T),
    [getDropzoneInputProps, accept.input],
  );

  return {
    ...snapshot,
    ...actions,
    uploader,
    getRootProps,
    getInputProps,
    open: dropzone.open,
    isDragActive: dropzone.isDragActive,
    isDragReject: dropzone.isDragReject,
    isFocused: dropzone.isFocused,
    disabled,
  };
}
