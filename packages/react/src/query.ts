"use client";

import {
  type MutationFunctionContext,
  type QueryClient,
  type QueryKey,
  type UseMutationOptions,
  useQueryClient,
} from "@tanstack/react-query";
import {
  createUploader,
  UploadError,
  type Uploader,
  type UploaderOptions,
  type UploadFile,
  type UploadResult,
} from "@upkit/core";
import { useCallback, useRef } from "react";

/** A stored file, as the mutation returns it. */
export type UploadedFile<TData = unknown> = UploadFile<TData> & {
  result: UploadResult;
  data: TData;
};

export type UploadMutationConfig<TInput = unknown, TData = unknown> = (
  | {
      /** An engine to use (e.g. `useUploader(...).uploader`): its list shows the files too. */
      uploader: Uploader<TData>;
      profile?: never;
    }
  | (UploaderOptions<TInput, TData> & { uploader?: never })
) & {
  /** Query keys to invalidate once the files are stored. */
  invalidateQueries?: QueryKey[];
  /** Default `["upkit", "upload", profile]`. */
  mutationKey?: QueryKey;
  /** Where to invalidate, for React Query versions that do not hand the client to callbacks. */
  queryClient?: QueryClient;
};

export type UploadMutationOptions<TData = unknown> = UseMutationOptions<
  UploadedFile<TData>[],
  UploadError,
  File[] | FileList
> & { mutationKey: QueryKey };

/**
 * Options for `useMutation`: `mutate(files)` uploads them, resolves with the stored files, and
 * rejects with the first file's `UploadError` when any was rejected, failed or was canceled.
 * With `profile`, each call runs its own engine (destroyed afterwards).
 *
 * ```ts
 * const upload = useMutation(uploadMutationOptions({ profile: "avatar", invalidateQueries: [["me"]] }));
 * ```
 */
export function uploadMutationOptions<TInput = unknown, TData = unknown>(
  config: UploadMutationConfig<TInput, TData>,
): UploadMutationOptions<TData> {
  const { invalidateQueries = [], mutationKey, queryClient, ...options } = config;
  const profile = config.uploader ? undefined : config.profile;
  return {
    mutationKey: mutationKey ?? ["upkit", "upload", profile ?? "uploader"],
    mutationFn: async (files) => {
      const uploader =
        config.uploader ??
        (createUploader(options as UploaderOptions<unknown, unknown>) as Uploader<TData>);
      try {
        const added = await uploader.addFiles(files);
        await uploader.settled();
        const now = new Map(uploader.getSnapshot().files.map((file) => [file.id, file]));
        const done = added.map((file) => now.get(file.id) ?? file);
        const failed = done.find((file) => file.status !== "success");
        if (failed) {
          throw (
            failed.error ??
            new UploadError(
              failed.rejection?.code ?? "aborted",
              failed.rejection?.message ?? `${failed.name} was not uploaded`,
              { data: { fileId: failed.id } },
            )
          );
        }
        return done as UploadedFile<TData>[];
      } finally {
        if (!config.uploader) uploader.destroy();
      }
    },
    onSuccess: async (_data, _files, _result, context?: MutationFunctionContext) => {
      const client = context?.client ?? queryClient;
      if (!client) return;
      await Promise.all(
        invalidateQueries.map((queryKey) => client.invalidateQueries({ queryKey })),
      );
    },
  };
}

/**
 * An `onUploadComplete` for `<Uploader>` / `useUploader` that invalidates the given query keys
 * in the app's QueryClient each time a file is stored (then calls `onUploadComplete`, if given).
 *
 * ```tsx
 * <Uploader profile="gallery" onUploadComplete={useInvalidateOnUpload([["photos"]])} />
 * ```
 */
export function useInvalidateOnUpload<TData = unknown>(
  queryKeys: QueryKey[],
  onUploadComplete?: (file: UploadedFile<TData>) => void,
): (file: UploadedFile<TData>) => void {
  const client = useQueryClient();
  const latest = useRef({ queryKeys, onUploadComplete });
  latest.current = { queryKeys, onUploadComplete };
  return useCallback(
    (file: UploadedFile<TData>) => {
      for (const queryKey of latest.current.queryKeys) void client.invalidateQueries({ queryKey });
      latest.current.onUploadComplete?.(file);
    },
    [client],
  );
}
