import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blob, jpeg, png } from "./support/images";
import { api, startEmulator, type TestEmulator, upload } from "./support/start-emulator";

let emulator: TestEmulator;
let image: Buffer;

beforeAll(async () => {
  emulator = await startEmulator({ maxFileSize: 200_000 });
  image = await png();
});
afterAll(() => emulator.dispose());

async function storedCount() {
  return ((await api(emulator, "/v1/files?limit=1000")).body as unknown[]).length;
}

describe("documented rules", () => {
  it("sanitises the file name: anything but letters, digits, . and - becomes _", async () => {
    const res = await upload(emulator, {
      file: blob(image),
      fileName: "my file (1)ü.png",
      useUniqueFileName: "false",
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe("my_file__1_ü.png");
    expect(res.body.filePath).toBe("/my_file__1_ü.png");
  });

  it("adds a 9-character unique suffix before the extension by default", async () => {
    const a = await upload(emulator, { file: blob(image), fileName: "same.png" });
    const b = await upload(emulator, { file: blob(image), fileName: "same.png" });
    expect(a.body.name).toMatch(/^same_[A-Za-z0-9_-]{9}\.png$/);
    expect(a.body.name).not.toBe(b.body.name);
    expect(a.body.fileId).toMatch(/^[0-9a-f]{24}$/);
    expect(a.body.versionInfo).toEqual({ id: a.body.fileId, name: "Version 1" });
  });

  it("creates nested folders on demand and normalises the path", async () => {
    const res = await upload(emulator, {
      file: blob(image),
      fileName: "f.png",
      folder: "a//b/c",
      useUniqueFileName: "false",
    });
    expect(res.body.filePath).toBe("/a/b/c/f.png");
    expect(res.body.url).toBe(`${emulator.urlEndpoint}/a/b/c/f.png`);
  });

  it("reads width, height and type from the real bytes, not the name", async () => {
    const res = await upload(emulator, {
      file: blob(await jpeg(80, 60)),
      fileName: "looks-like.png",
    });
    expect(res.body).toMatchObject({ width: 80, height: 60, fileType: "image" });
    expect(res.body.thumbnailUrl).toBe(
      `${emulator.urlEndpoint}/tr:n-ik_ml_thumbnail${res.body.filePath}`,
    );
    const details = await api(emulator, `/v1/files/${res.body.fileId}/details`);
    expect(details.body.mime).toBe("image/jpeg");
  });

  it("answers only the default fields unless responseFields asks for more", async () => {
    const plain = await upload(emulator, { file: blob(image), fileName: "d.png", tags: "x" });
    expect(Object.keys(plain.body).sort()).toEqual(
      [
        "AITags",
        "fileId",
        "filePath",
        "fileType",
        "height",
        "name",
        "size",
        "thumbnailUrl",
        "url",
        "versionInfo",
        "width",
      ].sort(),
    );
    expect(plain.body.AITags).toBeNull();
    const asked = await upload(emulator, {
      file: blob(image),
      fileName: "e.png",
      tags: "x,y",
      customCoordinates: "1,2,3,4",
      isPrivateFile: "true",
      responseFields:
        "tags,customCoordinates,isPrivateFile,isPublished,customMetadata,embeddedMetadata,metadata",
    });
    expect(asked.body).toMatchObject({
      tags: ["x", "y"],
      customCoordinates: "1,2,3,4",
      isPrivateFile: true,
      isPublished: true,
      customMetadata: {},
      embeddedMetadata: expect.any(Object),
      metadata: expect.objectContaining({ width: 64, height: 48 }),
    });
  });

  it("versions a file overwritten at the same path and applies the overwrite* flags", async () => {
    const first = await upload(emulator, {
      file: blob(image),
      fileName: "v.png",
      useUniqueFileName: "false",
      tags: "keep-me",
      customCoordinates: "1,1,2,2",
      responseFields: "tags,customCoordinates",
    });
    const kept = await upload(emulator, {
      file: blob(await png(10, 10)),
      fileName: "v.png",
      useUniqueFileName: "false",
      overwriteTags: "false",
      responseFields: "tags,customCoordinates",
    });
    expect(kept.body.fileId).toBe(first.body.fileId);
    expect(kept.body.versionInfo.name).toBe("Version 2");
    expect(kept.body.versionInfo.id).not.toBe(first.body.fileId);
    expect(kept.body.tags).toEqual(["keep-me"]);
    expect(kept.body.customCoordinates).toBeNull();
    expect(kept.body.width).toBe(10);
    const cleared = await upload(emulator, {
      file: blob(image),
      fileName: "v.png",
      useUniqueFileName: "false",
      responseFields: "tags",
    });
    expect(cleared.body.tags).toBeNull();
    expect(cleared.body.versionInfo.name).toBe("Version 3");
  });
});

describe("bad input: a 400 with the documented message, and nothing stored", () => {
  const cases: [string, () => Promise<Record<string, string | Blob>>, number, string | RegExp][] = [
    [
      "no file",
      async () => ({ fileName: "a.png" }),
      400,
      "Your request is missing file parameter.",
    ],
    [
      "no fileName",
      async () => ({ file: blob(image) }),
      400,
      "Your request is missing fileName parameter.",
    ],
    [
      "% in tags",
      async () => ({ file: blob(image), fileName: "a.png", tags: "50%off" }),
      400,
      "Your request contains invalid tags parameter.",
    ],
    [
      "tags over 500 characters",
      async () => ({
        file: blob(image),
        fileName: "a.png",
        tags: `${"a".repeat(300)},${"b".repeat(201)}`,
      }),
      400,
      "Your request contains invalid tags parameter.",
    ],
    [
      "a .. folder",
      async () => ({ file: blob(image), fileName: "a.png", folder: "/a/../b" }),
      400,
      "Your request contains invalid folder parameter.",
    ],
    [
      "51 folder levels",
      async () => ({ file: blob(image), fileName: "a.png", folder: Array(51).fill("f").join("/") }),
      400,
      "Your request contains invalid folder parameter.",
    ],
    [
      "unknown responseFields",
      async () => ({ file: blob(image), fileName: "a.png", responseFields: "tags,secrets" }),
      400,
      "Your request contains invalid responseFields parameter.",
    ],
    [
      "malformed transformation JSON",
      async () => ({ file: blob(image), fileName: "a.png", transformation: "{pre:" }),
      400,
      "The file could not be uploaded because the transformation field is invalid.",
    ],
    [
      "transformation without pre or post",
      async () => ({ file: blob(image), fileName: "a.png", transformation: "{}" }),
      400,
      "The file could not be uploaded because the transformation field is invalid.",
    ],
    [
      "abs without protocol",
      async () => ({
        file: blob(image),
        fileName: "a.png",
        transformation: JSON.stringify({ post: [{ type: "abs", value: "sr-240_360" }] }),
      }),
      400,
      "The file could not be uploaded because the transformation field is invalid.",
    ],
    [
      "transformation on a text file",
      async () => ({
        file: blob(Buffer.from("hello")),
        fileName: "a.txt",
        transformation: JSON.stringify({ pre: "w-10" }),
      }),
      400,
      "The file could not be uploaded because transformations are supported only for image and video files.",
    ],
    [
      "gif-to-video on a PNG",
      async () => ({
        file: blob(image),
        fileName: "a.png",
        transformation: JSON.stringify({ post: [{ type: "gif-to-video" }] }),
      }),
      400,
      "The file could not be uploaded because the detected file type & post-transformation are incompatible.",
    ],
    [
      "malformed extensions JSON",
      async () => ({ file: blob(image), fileName: "a.png", extensions: "[{" }),
      400,
      "Your request contains invalid extensions parameter.",
    ],
    [
      "unknown extension",
      async () => ({
        file: blob(image),
        fileName: "a.png",
        extensions: '[{"name":"mind-reading"}]',
      }),
      400,
      "Your request contains invalid extensions parameter.",
    ],
    [
      "customMetadata without a defined field",
      async () => ({ file: blob(image), fileName: "a.png", customMetadata: '{"brand":"Nike"}' }),
      400,
      "Invalid custom metadata.",
    ],
    [
      "bad customCoordinates",
      async () => ({ file: blob(image), fileName: "a.png", customCoordinates: "1,2,3" }),
      400,
      "Your request contains invalid customCoordinates parameter.",
    ],
    [
      "a non-boolean flag",
      async () => ({ file: blob(image), fileName: "a.png", useUniqueFileName: "yes" }),
      400,
      "Your request contains invalid useUniqueFileName parameter.",
    ],
    [
      "a file over the size limit",
      async () => ({ file: blob(Buffer.alloc(300_000, 1)), fileName: "big.bin" }),
      400,
      "Your request contains invalid file parameter. The file size exceeds limits.",
    ],
    [
      "checks with unquoted operands",
      async () => ({ file: blob(image), fileName: "a.png", checks: "file.size < 1mb" }),
      400,
      "Your request contains invalid syntax for the checks parameter.",
    ],
    [
      "failed checks",
      async () => ({ file: blob(image), fileName: "a.png", checks: '"file.size" < "10b"' }),
      400,
      "Your request failed 'checks' validation.",
    ],
    [
      "an unreachable file URL",
      async () => ({ file: "http://127.0.0.1:9/nothing.jpg", fileName: "a.jpg" }),
      400,
      "Your request contains invalid file parameter. The file could not be downloaded from the URL.",
    ],
  ];

  for (const [name, fields, status, message] of cases) {
    it(name, async () => {
      const before = await storedCount();
      const res = await upload(emulator, await fields());
      expect(res.status).toBe(status);
      expect(res.body.message).toEqual(message);
      expect(res.body.help).toEqual(expect.any(String));
      expect(res.headers.get("x-ik-requestid")).toBeTruthy();
      expect(res.headers.get("x-request-id")).toBe(res.headers.get("x-ik-requestid"));
      expect(await storedCount()).toBe(before);
    });
  }

  it("refuses to overwrite when overwriteFile and useUniqueFileName are false", async () => {
    await upload(emulator, {
      file: blob(image),
      fileName: "taken.png",
      useUniqueFileName: "false",
    });
    const before = await storedCount();
    const res = await upload(emulator, {
      file: blob(image),
      fileName: "taken.png",
      useUniqueFileName: "false",
      overwriteFile: "false",
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      "A file with the same name already exists at the exact location. We could not overwrite it because both overwriteFile and useUniqueFileName are set to false.",
    );
    expect(await storedCount()).toBe(before);
  });

  it("refuses a malformed multipart body", async () => {
    const response = await fetch(`${emulator.url}/api/v1/files/upload`, {
      method: "POST",
      headers: {
        "content-type": "multipart/form-data; boundary=xyz",
        authorization: `Basic ${Buffer.from("private_emulator_key:").toString("base64")}`,
      },
      body: '--xyz\r\nContent-Disposition: form-data; name="fileName"\r\n\r\na.png\r\n--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc',
    });
    expect(response.status).toBe(400);
  });

  it("leaves no temp file behind", async () => {
    expect(await readdir(join(emulator.dataDir, "tmp"))).toEqual([]);
  });
});

it("refuses the 101st version", async () => {
  const small = await startEmulator();
  try {
    const tiny = await png(2, 2);
    for (let i = 0; i < 100; i++) {
      const res = await upload(small, {
        file: blob(tiny),
        fileName: "many.png",
        useUniqueFileName: "false",
      });
      expect(res.status).toBe(200);
    }
    const res = await upload(small, {
      file: blob(tiny),
      fileName: "many.png",
      useUniqueFileName: "false",
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("The file has reached the maximum number of versions.");
  } finally {
    await small.dispose();
  }
}, 60_000);
