import { expect, type Page, test } from "@playwright/test";

/** The ImageKit the app talks to: the emulator, as in .env.local. */
const EMULATOR = process.env.EXAMPLE_EMULATOR_URL ?? "http://localhost:4500";
const PRIVATE_KEY = process.env.EXAMPLE_PRIVATE_KEY ?? "private_emulator_key";

/** A 1x1 red PNG. */
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);
const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

interface StoredFile {
  name: string;
  filePath: string;
  url: string;
  fileType: string;
  mime: string;
  size: number;
  tags: string[] | null;
  description?: string;
}

/** The one file of `folder` whose name starts with `prefix`, from ImageKit's file API. */
async function storedFile(page: Page, folder: string, prefix: string): Promise<StoredFile> {
  const response = await page.request.get(`${EMULATOR}/v1/files?path=${folder}`, {
    headers: { Authorization: `Basic ${Buffer.from(`${PRIVATE_KEY}:`).toString("base64")}` },
  });
  expect(response.status()).toBe(200);
  const files = ((await response.json()) as StoredFile[]).filter((file) =>
    file.name.startsWith(prefix),
  );
  expect(files, `files named ${prefix}* in ${folder}`).toHaveLength(1);
  return files[0] as StoredFile;
}

/** Picks files in the page's (hidden) file input, as the file dialog would. */
const chooseFiles = (page: Page, files: Parameters<Page["setInputFiles"]>[1]) =>
  page.locator('input[type="file"]').setInputFiles(files);

test("uploads a photo from the server component page, straight to ImageKit, with its typed input", async ({
  page,
}) => {
  const sent = page.waitForRequest(
    (request) => request.method() === "POST" && request.url().startsWith(`${EMULATOR}/api/`),
  );
  await page.goto("/");
  await chooseFiles(page, { name: "server-photo.png", mimeType: "image/png", buffer: png });
  // Direct: the browser itself posts the file to ImageKit's upload API.
  expect(new URL((await sent).url()).pathname).toBe("/api/v2/files/upload");
  await expect(page.getByText("Uploaded", { exact: true })).toBeVisible();
  const href = await page.getByRole("link", { name: "Open server-photo.png" }).getAttribute("href");

  const stored = await storedFile(page, "/photos", "server-photo_");
  expect(stored).toMatchObject({
    fileType: "image",
    mime: "image/png",
    size: png.length,
    tags: ["photo"],
    // The page's `input`, through the profile's schema and options().
    description: "A photo of mine",
  });
  expect(href).toBe(stored.url.replace(/\?.*$/, ""));
});

test("runs a client component's onUploadComplete with the profile's typed data", async ({
  page,
}) => {
  await page.goto("/form");
  await chooseFiles(page, { name: "form-photo.png", mimeType: "image/png", buffer: png });
  // What the callback put on the page: the server's onUploadComplete value ({ url, alt }).
  const link = page
    .getByRole("list", { name: "Your photos" })
    .getByRole("link", { name: "form-photo.png" });
  await expect(link).toBeVisible();
  const href = (await link.getAttribute("href")) as string;

  const stored = await storedFile(page, "/photos", "form-photo_");
  // `input` per file: the alt text is the file's name.
  expect(stored).toMatchObject({ mime: "image/png", description: "form-photo.png" });
  expect(href).toBe(stored.url.replace(/\?.*$/, ""));
  // ImageKit (the emulator) serves the very bytes.
  const served = await page.request.get(href);
  expect(served.status()).toBe(200);
  expect(Buffer.from(await served.body()).equals(png)).toBe(true);
});

test("streams a PDF through the server (proxy) and refuses what the profile does not accept", async ({
  page,
}) => {
  const toImageKit: string[] = [];
  page.on("request", (request) => {
    if (request.url().startsWith(`${EMULATOR}/api/`)) toImageKit.push(request.url());
  });
  const proxied = page.waitForResponse((response) =>
    response.url().endsWith("/api/upload/docs/proxy"),
  );
  await page.goto("/docs");
  await chooseFiles(page, [
    { name: "report.pdf", mimeType: "application/pdf", buffer: pdf },
    { name: "photo.png", mimeType: "image/png", buffer: png },
  ]);
  expect((await proxied).status()).toBe(200);
  await expect(page.getByText("Uploaded", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Open report.pdf" })).toBeVisible();
  await expect(page.getByText(/Not an accepted type/)).toBeVisible();

  const stored = await storedFile(page, "/docs", "report");
  expect(stored).toMatchObject({
    fileType: "non-image",
    mime: "application/pdf",
    size: pdf.length,
    tags: ["doc"],
  });
  // The browser never talked to ImageKit's upload API: the server did.
  expect(toImageKit).toEqual([]);
});
