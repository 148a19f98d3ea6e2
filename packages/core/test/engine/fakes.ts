import type { UploadContext, UploadTransport } from "../../src/engine/uploader-types";
import type { ProfileConfig, Transport } from "../../src/protocol";
import { UploadError } from "../../src/upload-error";
import type { UploadResult } from "../../src/upload-result";

export interface FakeCall {
  context: UploadContext;
  settled: boolean;
  aborted: boolean;
  succeed(data?: unknown): void;
  fail(error: unknown): void;
  progress(bytes: number): void;
}

/** A transport whose uploads the test resolves, rejects and moves by hand. */
export function createFakeTransport(name: Transport = "direct", canResume = false) {
  const calls: FakeCall[] = [];
  let running = 0;
  let maxRunning = 0;
  const transport: UploadTransport = {
    name,
    canResume,
    upload(context) {
      return new Promise((resolve, reject) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        const settle = () => {
          if (call.settled) return false;
          call.settled = true;
          running--;
          return true;
        };
        const call: FakeCall = {
          context,
          settled: false,
          aborted: false,
          succeed(data) {
            if (settle()) resolve({ result: resultOf(context.file), data });
          },
          fail(error) {
            if (settle()) reject(error);
          },
          progress: (bytes) => context.onProgress(bytes),
        };
        context.signal.addEventListener("abort", () => {
          call.aborted = true;
          call.fail(new UploadError("aborted", "The upload was aborted"));
        });
        calls.push(call);
      });
    },
  };
  return {
    transport,
    calls,
    /** Calls not yet resolved or rejected. */
    pending: () => calls.filter((call) => !call.settled),
    maxRunning: () => maxRunning,
  };
}

export function resultOf(file: File): UploadResult {
  return {
    fileId: `id-${file.name}`,
    name: file.name,
    filePath: `/${file.name}`,
    url: `https://ik.imagekit.io/demo/${file.name}`,
    size: file.size,
    fileType: "image",
  };
}

export function makeFile(name: string, size = 10, type = "image/png"): File {
  const file = new File([], name, { type });
  // Big files without allocating their bytes: the engine reads `size` only.
  Object.defineProperty(file, "size", { value: size });
  return file;
}

export const openConfig: ProfileConfig = {
  restrictions: {},
  transports: ["direct", "proxy"],
};

/** A `fetch` that answers `GET …/config` with these profiles and counts its calls. */
export function configFetch(profiles: Record<string, ProfileConfig>) {
  const calls: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    calls.push(String(input));
    return new Response(JSON.stringify({ profiles }), {
      headers: { "content-type": "application/json" },
    });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

/** Lets pending promise callbacks and microtasks (the store's notifications) run. */
export async function tick(times = 20): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}
