import type { Rejection } from "../check-file";
import { checkFiles } from "../check-file";
import { UploadError } from "../upload-error";
import { chooseTransport } from "./choose-transport";
import type { Entry, QueueState } from "./engine-state";
import { configFailure, fail } from "./file-outcomes";
import type { UploadFile } from "./uploader-types";

/**
 * Runs `onBeforeUpload`, checks the files against the restrictions, lists them all (the rejected
 * ones too), chooses each accepted file's transport and queues it.
 */
export async function addFiles<TInput, TData>(
  queue: QueueState<TInput, TData>,
  list: File[] | FileList,
): Promise<UploadFile<TData>[]> {
  const { callbacks, scheduler } = queue;
  const added: Entry<TData>[] = [];
  const done = scheduler.adding();
  try {
    // Fetch the config while `onBeforeUpload` runs (it may take long: image downscaling).
    const loading = queue.loadConfig();
    const given = Array.from(list);
    const files = callbacks.onBeforeUpload ? await callbacks.onBeforeUpload(given) : given;
    await loading;
    const config = queue.config();
    const rejections = config ? checkFiles(config.restrictions, files, acceptedCount(queue)) : [];
    for (const [index, file] of files.entries()) {
      const rejection = rejections[index];
      const entry = newEntry<TData>(queue.nextId(), file, rejection, config !== undefined);
      queue.entries.set(entry.view.id, entry);
      queue.order.push(entry.view.id);
      added.push(entry);
      queue.changed();
      if (rejection) continue;
      if (!config) {
        fail(queue, entry, configFailure(queue));
        continue;
      }
      // Chosen now so the UI can show it (and `pause` knows it) before the file starts.
      const transport = chooseTransport(queue, file, config.transports);
      if (transport instanceof UploadError) {
        fail(queue, entry, transport);
        continue;
      }
      entry.transportImpl = transport;
      queue.update(entry, { transport: transport.name });
      scheduler.enqueue(entry, queue.autoUpload);
    }
  } finally {
    done();
  }
  // Read after the queue moved on, so the files that started already say so.
  return added.map((entry) => entry.view);
}

/** Files that count against `maxFiles`: all but rejected and canceled ones (and `except`). */
export function acceptedCount<TInput, TData>(
  queue: QueueState<TInput, TData>,
  except?: Entry<TData>,
): number {
  let count = 0;
  for (const entry of queue.entries.values()) {
    const { status } = entry.view;
    if (entry !== except && status !== "rejected" && status !== "canceled") count++;
  }
  return count;
}

/** A new file, `queued` (not yet ready to start) or `rejected`. */
function newEntry<TData>(
  id: string,
  file: File,
  rejection: Rejection | undefined,
  checked: boolean,
): Entry<TData> {
  return {
    view: Object.freeze({
      id,
      file,
      name: file.name,
      size: file.size,
      type: file.type,
      status: rejection ? "rejected" : "queued",
      ...(rejection ? { rejection } : {}),
      bytesSent: 0,
      progress: 0,
      speed: 0,
      eta: undefined,
      attempts: 0,
    }),
    run: undefined,
    transportImpl: undefined,
    ready: false,
    queuedAt: 0,
    checked,
    pendingBytes: 0,
    sampledAt: 0,
    sampledBytes: 0,
    progressTimer: undefined,
  };
}
