import { PROCESSING_POLL_MS } from "./defaults";
import type { EngineState, Entry } from "./engine-state";
import { fetchJson } from "./fetch-json";
import { isProcessingState } from "./response-guards";
import type { UploadFile } from "./uploader-types";

/** About ten minutes of polls: a webhook that never comes must not be waited for forever. */
const MAX_POLLS = 300;

/**
 * Post-transformations finish after the upload: asks the route what its webhooks reported,
 * every `PROCESSING_POLL_MS`, until nothing is pending, the file is removed, or the polls run out.
 */
export function watchProcessing<TInput, TData>(
  state: EngineState<TInput, TData>,
  entry: Entry<TData>,
  fileId: string,
  polls = 0,
): void {
  if (polls >= MAX_POLLS) return;
  const { endpoint, profile } = state;
  entry.processingTimer = setTimeout(async () => {
    const url = `${endpoint}/${encodeURIComponent(profile)}/status?fileId=${encodeURIComponent(fileId)}`;
    let processing: UploadFile["processing"];
    try {
      const body = await fetchJson(state.fetch, url);
      processing = isProcessingState(body) ? body : undefined;
    } catch {
      // A missed poll is retried at the next tick.
    }
    if (state.entries.get(entry.view.id) !== entry) return;
    if (processing) state.update(entry, { processing });
    if (!processing || processing.pending.length > 0) {
      watchProcessing(state, entry, fileId, polls + 1);
    }
  }, PROCESSING_POLL_MS);
}
