import { afterEach, expect, it, vi } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import { PROCESSING_POLL_MS } from "../../src/engine/defaults";
import type { UploadTransport } from "../../src/engine/uploader-types";
import { makeFile, openConfig, resultOf, tick } from "./fakes";

afterEach(() => {
  vi.useRealTimers();
});

it("follows post-transformations after the upload until none is pending", async () => {
  vi.useFakeTimers();
  const transport: UploadTransport = {
    name: "direct",
    canResume: false,
    upload: async ({ file }) => ({
      result: resultOf(file),
      data: null,
      processing: { pending: ["thumbnail:w-150,h-150"], done: [], failed: [] },
    }),
  };
  const answers = [
    { pending: ["thumbnail:w-150,h-150"], done: [], failed: [] },
    { pending: [], done: ["thumbnail:w-150,h-150"], failed: [] },
  ];
  const statusUrls: string[] = [];
  const fetch = vi.fn(async (url: string) => {
    statusUrls.push(url);
    return new Response(JSON.stringify(answers.shift() ?? answers.at(-1)), { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  const uploader = createUploader({
    profile: "gallery",
    config: openConfig,
    transports: { direct: transport },
    fetch,
  });
  const [added] = await uploader.addFiles([makeFile("a.png")]);
  await tick();
  const file = () => uploader.getSnapshot().files.find((f) => f.id === added?.id);
  expect(file()?.status).toBe("success");
  expect(file()?.processing?.pending).toEqual(["thumbnail:w-150,h-150"]);

  await vi.advanceTimersByTimeAsync(PROCESSING_POLL_MS);
  expect(file()?.processing?.pending).toEqual(["thumbnail:w-150,h-150"]);
  await vi.advanceTimersByTimeAsync(PROCESSING_POLL_MS);
  expect(file()?.processing).toEqual({ pending: [], done: ["thumbnail:w-150,h-150"], failed: [] });
  expect(statusUrls).toEqual([
    "/api/upload/gallery/status?fileId=id-a.png",
    "/api/upload/gallery/status?fileId=id-a.png",
  ]);
  // Nothing pending: no more polls.
  await vi.advanceTimersByTimeAsync(PROCESSING_POLL_MS * 3);
  expect(statusUrls).toHaveLength(2);
});
