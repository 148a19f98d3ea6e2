import {
  type ProfileConfig,
  type UploadContext,
  UploadError,
  type UploadResult,
  type UploadTransport,
} from "@upkit/core";

interface Pending {
  context: UploadContext;
  resolve(value: { result: UploadResult; data: unknown }): void;
  reject(error: unknown): void;
}

/**
 * A transport the test drives by hand, plugged into the real engine through
 * `options.transports`: every upload waits until the test reports progress, finishes or fails it.
 */
export function manualTransport() {
  const pending = new Map<string, Pending>();
  const started: string[] = [];
  const aborted: string[] = [];
  const transport: UploadTransport = {
    name: "direct",
    canResume: false,
    upload(context) {
      started.push(context.file.name);
      return new Promise((resolve, reject) => {
        pending.set(context.file.name, { context, resolve, reject });
        context.signal.addEventListener("abort", () => {
          aborted.push(context.file.name);
          pending.delete(context.file.name);
          reject(new UploadError("aborted", "The upload was aborted"));
        });
      });
    },
  };
  const get = (name: string) => {
    const entry = pending.get(name);
    if (!entry) throw new Error(`${name} is not uploading (pending: ${[...pending.keys()]})`);
    return entry;
  };
  return {
    transport,
    started,
    aborted,
    isPending: (name: string) => pending.has(name),
    progress(name: string, bytes: number) {
      get(name).context.onProgress(bytes);
    },
    finish(name: string, data: unknown = { saved: true }) {
      const entry = get(name);
      pending.delete(name);
      entry.resolve({ result: resultFor(entry.context.file), data });
    },
    fail(name: string, error = new UploadError("upload-failed", "ImageKit refused the upload")) {
      const entry = get(name);
      pending.delete(name);
      entry.reject(error);
    },
  };
}

export function resultFor(file: File): UploadResult {
  return {
    fileId: `id-${file.name}`,
    name: file.name,
    filePath: `/uploads/${file.name}`,
    url: `https://ik.test/demo/uploads/${file.name}`,
    thumbnailUrl: `https://ik.test/demo/tr:n-ik_ml_thumbnail/uploads/${file.name}`,
    size: file.size,
    fileType: file.type.startsWith("image/") ? "image" : "non-image",
  };
}

export const imagesConfig: ProfileConfig = {
  restrictions: { maxFileSize: 1024 * 1024, accept: ["image/*", "video/*", ".pdf"], maxFiles: 5 },
  transports: ["direct"],
};

/** A small real PNG (1x1, red). */
export const PNG_1X1 = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

export const png = (name = "photo.png") => new File([PNG_1X1], name, { type: "image/png" });
export const sized = (name: string, type: string, size: number) =>
  new File([new Uint8Array(size)], name, { type });

/** What a browser's drop event carries, as react-dropzone and file-selector read it. */
export function dropData(files: File[]) {
  return {
    dataTransfer: {
      files,
      items: files.map((file) => ({ kind: "file", type: file.type, getAsFile: () => file })),
      types: ["Files"],
    },
  };
}
