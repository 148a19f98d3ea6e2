import { afterAll, beforeAll, expect, it } from "vitest";
import { startTusKit, type TusKit, tusFetch, tusMetadata, tusUpload } from "./tus-kit";

let kit: TusKit;
let imagekitFiles: number;
beforeAll(async () => {
  kit = await startTusKit();
  imagekitFiles = await kit.imagekitFiles();
});
afterAll(() => kit.close());

const image = (extra: Record<string, string> = {}) =>
  tusMetadata({
    filename: "photo.png",
    filetype: "image/png",
    input: JSON.stringify({ album: "a" }),
    ...extra,
  });

async function refusedCreation(headers: Record<string, string>, userId?: string) {
  const response = await tusFetch(`${kit.base}/images/tus`, {
    method: "POST",
    headers,
    ...(userId === undefined ? {} : { userId }),
  });
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: response.status, error: (await response.json()).error };
}

it.each([
  ["no Upload-Length", { "upload-metadata": image() }, 400, "bad-request"],
  [
    "a deferred length",
    { "upload-defer-length": "1", "upload-metadata": image() },
    400,
    "bad-request",
  ],
  [
    "an Upload-Length over maxFileSize",
    { "upload-length": "5000000", "upload-metadata": image() },
    413,
    "file-too-large",
  ],
  [
    "a declared type the profile refuses",
    {
      "upload-length": "10",
      "upload-metadata": image({ filename: "page.html", filetype: "text/html" }),
    },
    415,
    "file-invalid-type",
  ],
  [
    "malformed metadata",
    { "upload-length": "10", "upload-metadata": "filename !!!,," },
    400,
    "bad-request",
  ],
  [
    "a file name with a path",
    { "upload-length": "10", "upload-metadata": image({ filename: "../etc/passwd.png" }) },
    400,
    "bad-request",
  ],
  [
    "input that is not JSON",
    { "upload-length": "10", "upload-metadata": image({ input: "{album" }) },
    400,
    "bad-request",
  ],
  [
    "input the schema refuses",
    { "upload-length": "10", "upload-metadata": image({ input: "{}" }) },
    400,
    "invalid-input",
  ],
])("refuses a creation with %s", async (_name, headers, status, code) => {
  const refused = await refusedCreation(headers);
  expect(refused.status).toBe(status);
  expect(refused.error.code).toBe(code);
  expect(await kit.storedFiles()).toEqual([]);
});

it("refuses an unauthorized creation before reading anything", async () => {
  const refused = await refusedCreation({ "upload-length": "10", "upload-metadata": image() }, "");
  expect(refused).toMatchObject({ status: 401, error: { code: "unauthorized" } });
});

it("answers an unknown id with 404, on every method and the result route", async () => {
  for (const method of ["HEAD", "PATCH", "DELETE"]) {
    const response = await tusFetch(`${kit.base}/images/tus/0123456789abcdef`, {
      method,
      headers: { "upload-offset": "0", "content-type": "application/offset+octet-stream" },
    });
    expect(response.status, method).toBe(404);
  }
  const result = await tusFetch(`${kit.base}/images/tus/0123456789abcdef/result`);
  expect(result.status).toBe(404);
  expect((await result.json()).error.code).toBe("not-found");
});

const html = (size: number) =>
  Buffer.from(
    `<!doctype html><html><body>${"<p>not an image</p>".repeat(size / 18)}</body></html>`,
  );

it.each([
  ["the only chunk", 2_000, Number.POSITIVE_INFINITY],
  ["the first of several chunks", 40_000, 8 * 1024],
])(
  "refuses HTML declared as PNG in %s (415), removing it, forwarding nothing",
  async (_n, size, chunkSize) => {
    const error = await tusUpload(`${kit.base}/images/tus`, html(size), {
      chunkSize,
      metadata: {
        filename: "photo.png",
        filetype: "image/png",
        input: JSON.stringify({ album: "a" }),
      },
    }).then(
      () => undefined,
      (failure: { originalResponse?: { getStatus(): number; getBody(): string } }) => failure,
    );
    expect(error?.originalResponse?.getStatus()).toBe(415);
    expect(JSON.parse(error?.originalResponse?.getBody() ?? "{}").error.code).toBe(
      "file-invalid-type",
    );
    expect(await kit.storedFiles()).toEqual([]);
    expect(await kit.imagekitFiles()).toBe(imagekitFiles);
  },
);
