import { describe, expect, it, vi } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import { UPLOADER_ACTIONS } from "../../src/engine/uploader-actions";
import { createFakeTransport, makeFile, openConfig } from "./fakes";

function setUp() {
  const fake = createFakeTransport();
  const onUploadComplete = vi.fn();
  const uploader = createUploader({
    profile: "photos",
    config: openConfig,
    transports: { direct: fake.transport },
    onUploadComplete,
  });
  return { uploader, fake, onUploadComplete };
}

describe("the engine's vocabulary", () => {
  it("binds the actions once: one object for the engine's life, usable detached", async () => {
    const { uploader, fake } = setUp();
    const { actions } = uploader;
    expect(Object.keys(actions).sort()).toEqual([...UPLOADER_ACTIONS].sort());
    for (const name of UPLOADER_ACTIONS) expect(uploader[name]).toBe(actions[name]);
    const { addFiles, cancel } = actions;
    const [added] = await addFiles([makeFile("a.png")]);
    cancel(added?.id ?? "");
    expect(fake.calls[0]?.aborted).toBe(true);
    expect(uploader.getSnapshot().files[0]?.status).toBe("canceled");
    expect(uploader.actions).toBe(actions);
  });

  it("setOptions takes the callbacks and input it is given and ignores the other options", async () => {
    const { uploader, fake, onUploadComplete } = setUp();
    const onUploadBegin = vi.fn();
    uploader.setOptions({
      onUploadBegin,
      input: { album: "summer" },
      // Read once, when the engine is made.
      profile: "other",
    } as Parameters<typeof uploader.setOptions>[0]);
    await uploader.addFiles([makeFile("a.png")]);
    expect(fake.calls[0]?.context).toMatchObject({ profile: "photos", input: { album: "summer" } });
    fake.calls[0]?.succeed();
    await uploader.settled();
    expect(onUploadBegin).toHaveBeenCalledTimes(1);
    expect(onUploadComplete).toHaveBeenCalledTimes(1);

    uploader.setOptions({ onUploadComplete: undefined });
    await uploader.addFiles([makeFile("b.png")]);
    fake.calls[1]?.succeed();
    await uploader.settled();
    expect(onUploadComplete).toHaveBeenCalledTimes(1);
  });
});
