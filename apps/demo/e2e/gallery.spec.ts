import { writeFile } from "node:fs/promises";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { gradientPng, tinyMp4 } from "./media-fixtures";
import {
  chooseFiles,
  EMULATOR,
  expectNoAxeViolations,
  injectFault,
  screenshot,
  section,
  signIn,
} from "./support";

test.afterEach(async ({ page }) => {
  await page.request.delete(`${EMULATOR}/_emulator/faults`);
});

/**
 * A stored file's entry in the gallery, by the name ImageKit gave it (the uploader links to the
 * stored file: its last path segment is that name).
 */
async function galleryItem(page: Page, uploader: Locator, chosenName: string) {
  const link = uploader.getByRole("link", { name: `Open ${chosenName}`, exact: true });
  const url = (await link.getAttribute("href")) as string;
  const name = new URL(url).pathname.split("/").pop() as string;
  const item = page
    .getByRole("list", { name: "Gallery" })
    .getByRole("listitem")
    .filter({ has: page.getByText(name, { exact: true }) });
  return { item, name, url };
}

test("shows a signed-in user the uploaders and the gallery's form", async ({ page }) => {
  await signIn(page);
  await page.goto("/");
  for (const heading of [/Avatar/, /Gallery/, /Documents/]) {
    await expect(section(page, heading).getByRole("button", { name: /drop files/i })).toBeVisible();
  }
  const form = page.getByRole("group", { name: "Details for the next uploads" });
  await expect(form.getByLabel("Tags", { exact: true })).toBeEmpty();
  await expect(form.getByLabel("Caption", { exact: true })).toBeEmpty();
  await expect(form.getByLabel("Rating", { exact: true })).toHaveValue("");
  await expect(page.getByText("Loading the gallery…")).toBeHidden();
  await screenshot(page, "empty-uploaders");
});

test("shows a file's progress while it uploads", async ({ page }, testInfo) => {
  await signIn(page);
  await page.goto("/");
  // ImageKit (the emulator) stops reading the next upload: the bar stays where the bytes stopped.
  await injectFault(page, { path: "/api/v2/files/upload", times: 1, fault: { stall: true } });
  const gallery = section(page, /Gallery/);
  // Stored uncompressed, about 14 MB: more than the connection buffers before anyone reads it.
  // From a file on disk: the browser reads it itself, much faster than a buffer sent to it.
  const large = testInfo.outputPath("large.png");
  await writeFile(large, gradientPng(2400, 2000, [14, 165, 233], [34, 197, 94], 0));
  await chooseFiles(gallery, large);
  await expect(gallery.locator('[data-part="preview"][data-state="image"] img')).toBeVisible();
  await expect(gallery.getByText("Uploading", { exact: true })).toBeVisible();
  await expect(gallery.getByRole("progressbar", { name: /large\.png/ })).toHaveAttribute(
    "aria-valuenow",
    /^[1-9][0-9]?$/,
  );
  await screenshot(page, "uploading");
  await gallery.getByRole("button", { name: "Cancel large.png" }).click();
  await expect(gallery.getByText("Canceled", { exact: true })).toBeVisible();
});

test("uploads a small video to the gallery, queued at ImageKit until it is stored", async ({
  page,
}) => {
  await signIn(page);
  await page.goto("/");
  const gallery = section(page, /Gallery/);
  await gallery.getByLabel("Tags", { exact: true }).fill("clip");
  const video = tinyMp4();
  await chooseFiles(gallery, { name: "clip.mp4", mimeType: "video/mp4", buffer: video });
  await expect(gallery.locator('[data-part="preview"][data-state="video"]')).toBeVisible();
  // The profile scales videos before storing them: ImageKit queues the upload (202), and the row
  // says so until the file is stored.
  await expect(gallery.getByText("Queued at ImageKit…", { exact: true })).toBeVisible();
  await expect(gallery.getByText("Uploaded", { exact: true })).toBeVisible({ timeout: 15_000 });
  const { item, name, url } = await galleryItem(page, gallery, "clip.mp4");
  // Stored as sent, and served as a video.
  const served = await page.request.get(url);
  expect(served.status()).toBe(200);
  expect(served.headers()["content-type"]).toBe("video/mp4");
  expect(Buffer.from(await served.body()).equals(video)).toBe(true);
  // Its thumbnail is ImageKit's video thumbnail URL: the first frame (this clip is too small to
  // decode, so the emulator's placeholder frame), a JPEG.
  const thumbnail = item.getByRole("img", { name });
  await expect(thumbnail).toBeVisible();
  const src = (await thumbnail.getAttribute("src")) as string;
  expect(src).toContain(`${new URL(url).pathname}/ik-thumbnail.jpg`);
  const frame = await page.request.get(src);
  expect(frame.status()).toBe(200);
  expect(frame.headers()["content-type"]).toBe("image/jpeg");
  await expect(item).toContainText("demo, gallery, clip");
  // The emulator reports a video's post-transformations done without encoding anything.
  await expect(item.getByText("thumbnail done")).toBeVisible({ timeout: 15_000 });
});

test("uploads an image with tags and custom metadata from the form; the gallery lists them", async ({
  page,
}) => {
  await signIn(page);
  await page.goto("/");
  const gallery = section(page, /Gallery/);
  await gallery.getByLabel("Tags", { exact: true }).fill("sunset, beach");
  await gallery.getByLabel("Caption", { exact: true }).fill("Orange into violet");
  await gallery.getByLabel("Rating", { exact: true }).selectOption("4");
  const sunset = gradientPng(160, 160, [249, 115, 22], [124, 58, 237]);
  await chooseFiles(gallery, { name: "sunset.png", mimeType: "image/png", buffer: sunset });
  await expect(gallery.locator('[data-part="preview"][data-state="image"] img')).toBeVisible();
  await expect(gallery.getByText("Uploaded", { exact: true })).toBeVisible();
  const { item, name } = await galleryItem(page, gallery, "sunset.png");
  // What the list API answers: the tags and the custom metadata ImageKit stored.
  await expect(item).toContainText("demo, gallery, sunset, beach");
  await expect(item.getByText("Orange into violet")).toBeVisible();
  await expect(item.getByText("4 of 5")).toBeVisible();
  // The thumbnail is the emulator's, and it loaded.
  const thumbnail = item.getByRole("img", { name, exact: true });
  await expect(thumbnail).toHaveAttribute(
    "src",
    new RegExp(`^${EMULATOR}/upkit-demo/demo/gallery/`),
  );
  await expect
    .poll(() => thumbnail.evaluate((image) => (image as HTMLImageElement).naturalWidth))
    .toBeGreaterThan(0);
  await expect(item.getByText("thumbnail done")).toBeVisible({ timeout: 15_000 });
  await expectNoAxeViolations(page);
  await screenshot(page, "gallery-metadata");
});

test("a gallery file shows its thumbnail processing until ImageKit's webhook says it is done", async ({
  page,
}) => {
  await signIn(page, "alan");
  await page.goto("/");
  const gallery = section(page, /Gallery/);
  const dusk = gradientPng(120, 120, [30, 64, 175], [251, 191, 36]);
  await chooseFiles(gallery, { name: "dusk.png", mimeType: "image/png", buffer: dusk });
  await expect(gallery.getByText("Uploaded", { exact: true })).toBeVisible();
  const { item } = await galleryItem(page, gallery, "dusk.png");
  // The server starts following the thumbnail when the upload completes; the emulator makes it a
  // second later (--async-delay 1000) and posts a signed webhook the demo's route verifies.
  await expect(item.getByText("thumbnail processing…")).toBeVisible();
  await screenshot(page, "processing");
  await expect(item.getByText("thumbnail done")).toBeVisible({ timeout: 15_000 });
});

test("refuses a tag the gallery's schema does not take, saying why", async ({ page }) => {
  await signIn(page);
  await page.goto("/");
  const gallery = section(page, /Gallery/);
  await gallery.getByLabel("Tags", { exact: true }).fill("100%");
  await chooseFiles(gallery, {
    name: "percent.png",
    mimeType: "image/png",
    buffer: gradientPng(32, 32, [0, 0, 0], [255, 255, 255]),
  });
  await expect(gallery.getByText("Failed", { exact: true })).toBeVisible();
  await expect(gallery.getByText(/A tag may not contain a comma or %/)).toBeVisible();
});
