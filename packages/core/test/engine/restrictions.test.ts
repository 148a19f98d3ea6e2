import { describe, expect, it, vi } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import type { ProfileConfig } from "../../src/protocol";
import { configFetch, createFakeTransport, makeFile } from "./fakes";

const photos: ProfileConfig = {
  restrictions: { maxFileSize: 1000, accept: ["image/*", ".pdf"], maxFiles: 3 },
  transports: ["direct"],
};

function setUp(config: ProfileConfig = photos) {
  const fake = createFakeTransport();
  const onUploadError = vi.fn();
  const uploader = createUploader({
    profile: "photos",
    config,
    transports: { direct: fake.transport },
    onUploadError,
  });
  return { uploader, fake, onUploadError };
}

describe("restrictions", () => {
  it("lists too-large and wrong-type files as rejected, and uploads the rest", async () => {
    const { uploader, fake, onUploadError } = setUp();
    const added = await uploader.addFiles([
      makeFile("ok.png", 10),
      makeFile("big.png", 2000),
      makeFile("notes.txt", 10, "text/plain"),
      makeFile("cv.pdf", 10, ""),
    ]);
    expect(added.map((file) => [file.status, file.rejection?.code])).toEqual([
      ["uploading", undefined],
      ["rejected", "file-too-large"],
      ["rejected", "file-invalid-type"],
      ["uploading", undefined],
    ]);
    expect(added[1]?.rejection?.message).toMatch(/big\.png/);
    expect(fake.calls.map((call) => call.context.file.name)).toEqual(["ok.png", "cv.pdf"]);
    expect(uploader.getSnapshot().totals.files).toBe(2);
    expect(onUploadError).not.toHaveBeenCalled();
  });

  it("counts the files already accepted against maxFiles", async () => {
    const { uploader } = setUp();
    await uploader.addFiles([makeFile("a.png"), makeFile("big.png", 5000)]);
    const second = await uploader.addFiles([
      makeFile("b.png"),
      makeFile("c.png"),
      makeFile("d.png"),
    ]);
    expect(second.map((file) => file.rejection?.code)).toEqual([
      undefined,
      undefined,
      "too-many-files",
    ]);
  });

  it("frees a place in maxFiles when a file is removed or canceled", async () => {
    const { uploader } = setUp({ ...photos, restrictions: { maxFiles: 1 } });
    const [first] = await uploader.addFiles([makeFile("a.png")]);
    const [refused] = await uploader.addFiles([makeFile("b.png")]);
    expect(refused?.status).toBe("rejected");
    uploader.cancel(first?.id ?? "");
    const [accepted] = await uploader.addFiles([makeFile("c.png")]);
    expect(accepted?.status).toBe("uploading");
  });

  it("runs onBeforeUpload first: it may drop, rename or replace files", async () => {
    const { uploader, fake } = setUp();
    uploader.setOptions({
      onBeforeUpload: async (files) =>
        files
          .filter((file) => !file.name.startsWith("."))
          .map((file) => new File([], file.name.toUpperCase(), { type: file.type })),
    });
    const added = await uploader.addFiles([
      makeFile(".DS_Store", 10, ""),
      makeFile("a.png", 10),
      makeFile("b.txt", 10, "text/plain"),
    ]);
    expect(added.map((file) => [file.name, file.status])).toEqual([
      ["A.PNG", "uploading"],
      ["B.TXT", "rejected"],
    ]);
    expect(fake.calls[0]?.context.file.name).toBe("A.PNG");
  });

  it("accepts a FileList-like input", async () => {
    const { uploader } = setUp();
    const list = { 0: makeFile("a.png"), length: 1, item: () => null } as unknown as FileList;
    expect(await uploader.addFiles(list)).toHaveLength(1);
  });
});

describe("the config", () => {
  it("is fetched once from {endpoint}/config, on subscribe or the first addFiles", async () => {
    const { fetch, calls } = configFetch({ photos, other: photos });
    const fake = createFakeTransport();
    const uploader = createUploader({
      profile: "photos",
      fetch,
      endpoint: "/api/up",
      transports: { direct: fake.transport },
    });
    expect(calls).toEqual([]);
    expect(uploader.getSnapshot().config).toBeUndefined();
    uploader.subscribe(() => {});
    await uploader.addFiles([makeFile("a.png")]);
    await uploader.addFiles([makeFile("big.png", 5000)]);
    expect(calls).toEqual(["/api/up/config"]);
    expect(uploader.getSnapshot().config).toEqual(photos);
    expect(uploader.getSnapshot().files.map((file) => file.status)).toEqual([
      "uploading",
      "rejected",
    ]);
  });

  it("is not fetched when passed in", async () => {
    const fetch = vi.fn();
    const uploader = createUploader({
      profile: "photos",
      config: photos,
      fetch: fetch as unknown as typeof globalThis.fetch,
      transports: { direct: createFakeTransport().transport },
    });
    uploader.subscribe(() => {});
    await uploader.addFiles([makeFile("a.png")]);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("reports an unknown profile as configError, and fails the files added", async () => {
    const { fetch } = configFetch({ avatar: photos });
    const onUploadError = vi.fn();
    // The answers are shared by endpoint for the page: each test of its own asks its own.
    const uploader = createUploader({
      profile: "photos",
      endpoint: "/api/unknown-profile",
      fetch,
      onUploadError,
    });
    const [added] = await uploader.addFiles([makeFile("a.png")]);
    const { configError } = uploader.getSnapshot();
    expect(configError).toMatchObject({ code: "not-found" });
    expect(configError?.message).toMatch(/"photos".*avatar/);
    expect(added).toMatchObject({ status: "error", error: configError });
    expect(onUploadError).toHaveBeenCalledWith(expect.anything(), configError);
  });

  it("tries again after a transient failure, then checks the waiting files", async () => {
    let fail = true;
    const fetch = (async () => {
      if (fail) throw new TypeError("fetch failed");
      return Response.json({ profiles: { photos } });
    }) as unknown as typeof globalThis.fetch;
    const fake = createFakeTransport();
    const uploader = createUploader({
      profile: "photos",
      endpoint: "/api/flaky",
      fetch,
      transports: { direct: fake.transport },
    });
    const [small, big] = await uploader.addFiles([makeFile("a.png"), makeFile("b.png", 5000)]);
    expect(uploader.getSnapshot().configError?.code).toBe("network-error");
    expect(small?.status).toBe("error");
    fail = false;
    uploader.retry(small?.id ?? "");
    uploader.retry(big?.id ?? "");
    await new Promise((resolve) => setTimeout(resolve, 10));
    const { files, configError } = uploader.getSnapshot();
    expect(configError).toBeUndefined();
    expect(files.map((file) => file.status)).toEqual(["uploading", "rejected"]);
    expect(fake.calls).toHaveLength(1);
  });
});
