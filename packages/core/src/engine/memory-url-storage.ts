import type { TusPreviousUpload, TusUrlStorage } from "./tus-options";

/**
 * A `tus.urlStorage` in memory, for where there is no localStorage (Node, React Native, tests):
 * what is kept lasts as long as the object, so a new engine given the same storage resumes.
 */
export function createMemoryUrlStorage(): TusUrlStorage & { size(): number } {
  const uploads = new Map<string, TusPreviousUpload & { fingerprint: string }>();
  let count = 0;
  return {
    findAllUploads: async () => [...uploads.values()],
    findUploadsByFingerprint: async (fingerprint) =>
      [...uploads.values()].filter((upload) => upload.fingerprint === fingerprint),
    removeUpload: async (key) => {
      uploads.delete(key);
    },
    addUpload: async (fingerprint, upload) => {
      const key = `tus::${fingerprint}::${++count}`;
      uploads.set(key, { ...upload, fingerprint, urlStorageKey: key });
      return key;
    },
    size: () => uploads.size,
  };
}
