import { expect, it, vi } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import { createFakeTransport, makeFile, openConfig } from "./fakes";

// The queue (everything that handles files) is its own module, loaded with the first file or by
// `preload()`. A failed load (offline, or a deploy that replaced the chunk) must not lose the
// drop silently: it shows as the snapshot's error, and the next drop loads again.
const load = vi.hoisted(() => ({ failures: 0, attempts: 0 }));
vi.mock(import("../../src/engine/upload-queue"), async (importOriginal) => {
  load.attempts++;
  if (load.failures > 0) {
    load.failures--;
    throw new TypeError("Failed to fetch dynamically imported module");
  }
  return importOriginal();
});

it("loads the queue only when asked, reports a failed load, and loads again", async () => {
  load.failures = 2;
  const fake = createFakeTransport();
  const uploader = createUploader({
    profile: "photos",
    config: openConfig,
    transports: { direct: fake.transport },
  });
  // Before any file, actions have nothing to act on, and nothing is loaded.
  uploader.cancel("nothing");
  uploader.retryAll();
  await uploader.settled();
  expect(load.attempts).toBe(0);

  uploader.preload();
  await vi.waitFor(() => expect(uploader.getSnapshot().configError).toBeDefined());
  expect(load.attempts).toBe(1);
  expect(uploader.getSnapshot().configError).toMatchObject({
    code: "network-error",
    message: "Could not load the uploader",
  });

  expect(await uploader.addFiles([makeFile("dropped-offline.png")])).toEqual([]);
  expect(load.attempts).toBe(2);

  const [added] = await uploader.addFiles([makeFile("kept.png")]);
  expect(load.attempts).toBe(3);
  expect(added).toMatchObject({ name: "kept.png", status: "uploading" });
  expect(uploader.getSnapshot().configError).toBeUndefined();
  fake.calls[0]?.succeed();
  await uploader.settled();
  expect(uploader.getSnapshot().files.map((file) => [file.name, file.status])).toEqual([
    ["kept.png", "success"],
  ]);
});
