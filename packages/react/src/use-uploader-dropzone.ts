import type { PublicRestrictions, Uploader } from "@upkit/core";
import { useCallback, useMemo } from "react";
import {
  type DropzoneInputProps,
  type DropzoneRootProps,
  type FileRejection,
  useDropzone,
} from "react-dropzone";
import { toAccept } from "./to-accept";
import type { UseUploaderResult } from "./use-uploader";
import { withPreload } from "./with-preload";

export type UploaderDropzone = Pick<
  UseUploaderResult,
  "getRootProps" | "getInputProps" | "open" | "isDragActive" | "isDragReject" | "isFocused"
>;

/**
 * react-dropzone wired to the engine: every dropped, picked or pasted file goes to `addFiles`,
 * `accept` and `multiple` follow the restrictions, and reaching for the drop area preloads the
 * engine's queue.
 */
export function useUploaderDropzone<TData>(
  uploader: Uploader<TData>,
  restrictions: PublicRestrictions | undefined,
  disabled: boolean,
): UploaderDropzone {
  const { addFiles } = uploader.actions;
  const accept = useMemo(() => toAccept(restrictions?.accept), [restrictions?.accept]);
  // The engine checks every file (one rule set, one set of messages): what react-dropzone
  // would reject goes in too, to come back as a listed rejection.
  const onDrop = useCallback(
    (accepted: File[], rejected: FileRejection[]) => {
      const files = [...accepted, ...rejected.map((rejection) => rejection.file)];
      if (files.length > 0) void addFiles(files);
    },
    [addFiles],
  );
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
  const { open, isDragActive, isDragReject, isFocused } = dropzone;
  return { getRootProps, getInputProps, open, isDragActive, isDragReject, isFocused };
}
