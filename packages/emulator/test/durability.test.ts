import { mkdtemp, readdir, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { blob, png } from "./support/images";
import { api, basicAuth, startEmulator, upload } from "./support/start-emulator";

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "upkit-durable-"));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

it("keeps every file, version, tag and metadata field across a restart", async () => {
  const first = await startEmulator({ dataDir });
  await api(first, "/v1/customMetadataFields", {
    method: "POST",
    body: JSON.stringify({ name: "brand", label: "Brand", schema: { type: "Text" } }),
  });
  const a = await upload(first, {
    file: blob(await png()),
    fileName: "keep.png",
    useUniqueFileName: "false",
    tags: "t1,t2",
    customMetadata: '{"brand":"Nike"}',
  });
  await upload(first, {
    file: blob(await png(8, 8)),
    fileName: "keep.png",
    useUniqueFileName: "false",
    overwriteTags: "false",
    overwriteCustomMetadata: "false",
  });
  const original = await fetch(`${first.urlEndpoint}/keep.png`).then((r) => r.arrayBuffer());
  await first.close();

  const second = await startEmulator({ dataDir });
  try {
    const details = await api(second, `/v1/files/${a.body.fileId}/details`);
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({
      tags: ["t1", "t2"],
      customMetadata: { brand: "Nike" },
      versionInfo: { name: "Version 2" },
      width: 8,
    });
    const fields = await api(second, "/v1/customMetadataFields");
    expect(fields.body).toEqual([expect.objectContaining({ name: "brand" })]);
    const served = await fetch(`${second.urlEndpoint}/keep.png`).then((r) => r.arrayBuffer());
    expect(Buffer.from(served).equals(Buffer.from(original))).toBe(true);
  } finally {
    await second.close();
  }
});

it("leaves nothing behind when an upload is cut mid-body", async () => {
  const emulator = await startEmulator();
  try {
    const before = (await api(emulator, "/v1/files")).body.length;
    const boundary = "cut-boundary";
    await new Promise<void>((resolve) => {
      const req = request(`${emulator.url}/api/v1/files/upload`, {
        method: "POST",
        headers: {
          authorization: basicAuth(),
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "content-length": String(10 * 1024 * 1024),
        },
      });
      req.on("error", () => resolve());
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\ncut.bin\r\n`,
      );
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      req.write(Buffer.alloc(256 * 1024, 7), () => {
        // The client dies mid-file: the socket goes away without the rest of the body.
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
    });
    // Give the emulator a moment to see the reset and clean up.
    await new Promise((r) => setTimeout(r, 200));
    expect((await api(emulator, "/v1/files")).body.length).toBe(before);
    expect(await readdir(join(emulator.dataDir, "tmp"))).toEqual([]);
    expect(await readdir(join(emulator.dataDir, "blobs"))).toEqual([]);
  } finally {
    await emulator.dispose();
  }
});
