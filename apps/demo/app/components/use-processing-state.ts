"use client";

import { type QueryClient, useQuery } from "@tanstack/react-query";
import type { ProcessingState } from "@upkit/core";

const POLL_MS = 2000;
const MAX_POLLS = 300;

export const processingQueryKey = (fileId: string) => ["processing", "gallery", fileId] as const;

/**
 * Records what the server said when an upload completed, so the gallery shows it at once instead
 * of asking again; `useProcessingState` then polls until nothing is pending.
 */
export function seedProcessingState(
  client: QueryClient,
  fileId: string,
  state: ProcessingState | undefined,
): void {
  if (state) client.setQueryData(processingQueryKey(fileId), state);
}

/**
 * A gallery file's post-transformations as the server learnt them from ImageKit's verified
 * webhooks (`GET /api/upload/gallery/status`), polled while any is pending. The route answers
 * signed-in users only, hence `enabled`.
 */
export function useProcessingState(fileId: string, enabled: boolean) {
  return useQuery({
    queryKey: processingQueryKey(fileId),
    queryFn: async (): Promise<ProcessingState> => {
      const response = await fetch(
        `/api/upload/gallery/status?fileId=${encodeURIComponent(fileId)}`,
      );
      if (!response.ok) throw new Error(`No processing state (${response.status})`);
      return response.json();
    },
    enabled,
    // Settled outcomes never change: ask once, then only while something is pending. Each ask
    // counts against the profile's rate limit, shared with the uploads themselves.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    // Polled for about ten minutes at most, as the uploader does: a webhook may never come.
    refetchInterval: (query) =>
      (query.state.data?.pending.length ?? 0) > 0 && query.state.dataUpdateCount < MAX_POLLS
        ? POLL_MS
        : false,
  });
}
