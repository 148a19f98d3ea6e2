import type { FileStatus, RejectionCode, UploadErrorCode } from "@upkit/core";

/** What a rejection message may say: sizes are already formatted for the locale. */
export interface RejectionValues {
  name: string;
  size: string;
  maxFileSize?: string;
  minFileSize?: string;
  accept?: string;
  maxFiles?: number;
}

/**
 * Every string the styled `<Uploader>` shows or announces. Plain strings, or functions for
 * strings with values (sizes, times and percentages arrive formatted for `locale`).
 */
export interface UploaderMessages {
  /** The dropzone's visible text and accessible name. */
  dropzone: string;
  /** The dropzone's text while files are dragged over it. */
  dropzoneActive: string;
  /** The dropzone's text while dragged files do not match `accept`. */
  dropzoneReject: string;
  /** The restrictions under the dropzone's text; return "" to hide. */
  restrictions: (values: { accept?: string; maxFileSize?: string; maxFiles?: number }) => string;
  /** The file input's label (the input is hidden; screen readers and tests find it). */
  inputLabel: string;
  /** The published restrictions could not be loaded. */
  configError: (values: { message: string }) => string;
  fileList: string;
  /** The accessible name of a file's progress bar. */
  progressLabel: (values: { name: string }) => string;
  totalProgressLabel: string;
  /** A file's progress text (`speed` and `eta` are absent until measured). */
  progressText: (values: { percent: string; speed?: string; eta?: string }) => string;
  /**
   * The total progress text: `done` uploaded and `failed` of `total` files; `percent` (the bar's,
   * where a failed file's bytes count as not uploaded) only while some file is still on its way,
   * `speed` and `eta` once measured.
   */
  totalText: (values: {
    done: number;
    failed: number;
    total: number;
    percent?: string;
    speed?: string;
    eta?: string;
  }) => string;
  /** A speed, from a formatted size per second. */
  speed: (values: { size: string }) => string;
  /** A time left, from a formatted duration. */
  eta: (values: { duration: string }) => string;
  status: Record<FileStatus, string>;
  rejection: Record<RejectionCode, (values: RejectionValues) => string>;
  /** A failed upload; `message` is the server's (or ImageKit's) message. */
  error: (values: { name: string; code: UploadErrorCode; message: string }) => string;
  /**
   * Post-transformations ImageKit is still working on, as `type:value` keys (e.g.
   * `thumbnail:w-150,h-150`).
   */
  processing: (values: { pending: string[]; done: string[]; failed: string[] }) => string;
  /** tus: the status once every byte is on the server, while it sends the file on to ImageKit. */
  forwarding: string;
  /**
   * The status while ImageKit holds a file it queued (a video's pre-transformation) and has not
   * stored yet.
   */
  queued: string;
  /** tus: an upload that went on from the bytes already on the server (after a pause or reload). */
  resumed: (values: { size: string }) => string;
  cancel: string;
  retry: string;
  remove: string;
  pause: string;
  resume: string;
  /** The start button (with `autoUpload: false`). */
  start: (values: { count: number }) => string;
  cancelLabel: (values: { name: string }) => string;
  retryLabel: (values: { name: string }) => string;
  removeLabel: (values: { name: string }) => string;
  pauseLabel: (values: { name: string }) => string;
  resumeLabel: (values: { name: string }) => string;
  /** The link to a finished file. */
  openResult: (values: { name: string }) => string;
  /** Live-region announcements; each gets the names of the files a change concerns. */
  announceAdded: (values: { names: string[] }) => string;
  announceRejected: (values: { names: string[] }) => string;
  announceFinished: (values: { names: string[] }) => string;
  announceFailed: (values: { names: string[] }) => string;
}

/** `messages` as given: any subset, `status` and `rejection` entry by entry. */
export type UploaderMessagesInput = Partial<Omit<UploaderMessages, "status" | "rejection">> & {
  status?: Partial<UploaderMessages["status"]>;
  rejection?: Partial<UploaderMessages["rejection"]>;
};

const many = (names: string[], one: (name: string) => string, other: (count: number) => string) =>
  names.length === 1 ? one(names[0] as string) : other(names.length);

export const defaultMessages: UploaderMessages = {
  dropzone: "Drop files here, paste, or click to browse",
  dropzoneActive: "Drop the files to upload them",
  dropzoneReject: "Some of these files are not accepted",
  restrictions: ({ accept, maxFileSize, maxFiles }) =>
    [
      accept,
      maxFileSize && `up to ${maxFileSize}`,
      maxFiles && `at most ${maxFiles} file${maxFiles === 1 ? "" : "s"}`,
    ]
      .filter(Boolean)
      .join(", "),
  inputLabel: "Choose files to upload",
  configError: ({ message }) => `Uploads are not available: ${message}`,
  fileList: "Files",
  progressLabel: ({ name }) => `Upload of ${name}`,
  totalProgressLabel: "Total upload progress",
  progressText: ({ percent, speed, eta }) => [percent, speed, eta].filter(Boolean).join(" · "),
  totalText: ({ done, failed, total, percent, speed, eta }) =>
    [`${done} of ${total} uploaded`, failed > 0 && `${failed} failed`, percent, speed, eta]
      .filter(Boolean)
      .join(" · "),
  speed: ({ size }) => `${size}/s`,
  eta: ({ duration }) => `${duration} left`,
  status: {
    rejected: "Rejected",
    queued: "Waiting",
    uploading: "Uploading",
    processing: "Processing",
    success: "Uploaded",
    error: "Failed",
    canceled: "Canceled",
    paused: "Paused",
  },
  rejection: {
    "file-too-large": ({ maxFileSize }) => `Too large: the limit is ${maxFileSize}`,
    "file-too-small": ({ minFileSize }) => `Too small: the minimum is ${minFileSize}`,
    "file-invalid-type": ({ accept }) => `Not an accepted type (${accept})`,
    "too-many-files": ({ maxFiles }) =>
      `Too many files: at most ${maxFiles} file${maxFiles === 1 ? "" : "s"}`,
  },
  error: ({ message }) => message,
  // Names the kinds (`thumbnail`), not the parameters, and each kind once.
  processing: ({ pending }) =>
    `Processing ${[...new Set(pending.map((key) => key.split(":")[0]))].join(", ")}…`,
  forwarding: "Sending to ImageKit…",
  queued: "Queued at ImageKit…",
  resumed: ({ size }) => `Resumed from ${size}`,
  cancel: "Cancel",
  retry: "Retry",
  remove: "Remove",
  pause: "Pause",
  resume: "Resume",
  start: ({ count }) => `Upload ${count} file${count === 1 ? "" : "s"}`,
  cancelLabel: ({ name }) => `Cancel ${name}`,
  retryLabel: ({ name }) => `Retry ${name}`,
  removeLabel: ({ name }) => `Remove ${name}`,
  pauseLabel: ({ name }) => `Pause ${name}`,
  resumeLabel: ({ name }) => `Resume ${name}`,
  openResult: ({ name }) => `Open ${name}`,
  announceAdded: ({ names }) =>
    many(
      names,
      (name) => `${name} added`,
      (count) => `${count} files added`,
    ),
  announceRejected: ({ names }) =>
    many(
      names,
      (name) => `${name} was rejected`,
      (count) => `${count} files were rejected`,
    ),
  announceFinished: ({ names }) =>
    many(
      names,
      (name) => `${name} uploaded`,
      (count) => `${count} files uploaded`,
    ),
  announceFailed: ({ names }) =>
    many(
      names,
      (name) => `${name} failed`,
      (count) => `${count} files failed`,
    ),
};

/** The defaults with the given overrides. */
export function resolveMessages(messages: UploaderMessagesInput | undefined): UploaderMessages {
  if (!messages) return defaultMessages;
  return {
    ...defaultMessages,
    ...messages,
    status: { ...defaultMessages.status, ...messages.status },
    rejection: { ...defaultMessages.rejection, ...messages.rejection },
  } as UploaderMessages;
}
