import { copyFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { gradientPng, tinyMp4 } from "./media-fixtures";
import { chooseFiles, expectNoAxeViolations, section, signIn } from "./support";

// Named to run first: on the run's fresh emulator the gallery then holds these uploads alone.

const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/**
 * The README's screenshots: written there only when asked (`DOCS_SCREENSHOTS=1`), so that a plain
 * run leaves the repository as it was.
 */
const DOCS = fileURLToPath(new URL("../../../docs/", import.meta.url));

const PICTURES = [
  {
    name: "lagoon.png",
    tags: "sea, summer",
    caption: "Teal into deep blue",
    rating: "5",
    from: [20, 184, 166],
    to: [30, 64, 175],
  },
  {
    name: "meadow.png",
    tags: "spring",
    caption: "Lime and sun",
    rating: "4",
    from: [132, 204, 22],
    to: [250, 204, 21],
  },
  {
    name: "sunset.png",
    tags: "sunset, beach",
    caption: "Orange into violet",
    rating: "5",
    from: [249, 115, 22],
    to: [124, 58, 237],
  },
  {
    name: "dusk.png",
    tags: "city",
    caption: "",
    rating: "3",
    from: [30, 64, 175],
    to: [251, 191, 36],
  },
] as const;

type Box = { x: number; y: number; width: number; height: number };

const box = async (locator: Locator): Promise<Box> => {
  const found = await locator.boundingBox();
  expect(found).not.toBeNull();
  return found as Box;
};

/** Saves what the viewport shows with the run's screenshots, and in `docs/` when asked. */
async function saveScreenshot(page: Page, name: string) {
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path });
  if (process.env.DOCS_SCREENSHOTS === "1") {
    await mkdir(DOCS, { recursive: true });
    await copyFile(path, `${DOCS}${name}.png`);
  }
}

test("lays the page out in two columns on a wide screen and one on a phone", async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, "Jane Doe");
  await page.setViewportSize(WIDE);
  await page.goto("/");

  // A few uploads, so the gallery has something to show.
  const uploader = section(page, /Gallery/);
  for (const picture of PICTURES) {
    await uploader.getByLabel("Tags", { exact: true }).fill(picture.tags);
    await uploader.getByLabel("Caption", { exact: true }).fill(picture.caption);
    await uploader.getByLabel("Rating", { exact: true }).selectOption(picture.rating);
    await chooseFiles(uploader, {
      name: picture.name,
      mimeType: "image/png",
      buffer: gradientPng(160, 160, picture.from, picture.to),
    });
    await expect(uploader.getByRole("link", { name: `Open ${picture.name}` })).toBeVisible();
  }
  await uploader.getByLabel("Tags", { exact: true }).fill("clip");
  await uploader.getByLabel("Caption", { exact: true }).fill("");
  await uploader.getByLabel("Rating", { exact: true }).selectOption("");
  await chooseFiles(uploader, { name: "clip.mp4", mimeType: "video/mp4", buffer: tinyMp4() });
  await expect(uploader.getByRole("link", { name: "Open clip.mp4" })).toBeVisible();
  const gallery = page.getByRole("list", { name: "Gallery" });
  await expect(gallery.getByText("thumbnail done")).toHaveCount(PICTURES.length + 1, {
    timeout: 15_000,
  });

  // The page as a visitor finds it: empty uploaders, the gallery filled.
  await page.reload();
  await expect(gallery.getByRole("listitem")).toHaveCount(PICTURES.length + 1);
  await expect(gallery.getByText("thumbnail done")).toHaveCount(PICTURES.length + 1);
  for (const image of await gallery.getByRole("img").all()) {
    await expect
      .poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
  }

  const avatar = await box(section(page, /Avatar/));
  const galleryUploader = await box(section(page, /Gallery/));
  const documents = await box(section(page, /Documents/));
  const videos = await box(section(page, /Large videos/));
  const recent = await box(section(page, /Recent uploads/));
  // Wide: the uploaders two by two, the gallery across both columns under its uploader.
  expect(galleryUploader.y).toBe(avatar.y);
  expect(galleryUploader.x).toBeGreaterThan(avatar.x + avatar.width);
  expect(recent.y).toBeGreaterThan(galleryUploader.y + galleryUploader.height);
  expect(recent.x).toBe(avatar.x);
  expect(recent.x + recent.width).toBeCloseTo(galleryUploader.x + galleryUploader.width, 0);
  expect(documents.y).toBeGreaterThan(recent.y + recent.height);
  expect(videos.y).toBe(documents.y);
  expect(documents.x).toBe(avatar.x);
  expect(videos.x).toBe(galleryUploader.x);
  // The gallery's first thumbnails show without scrolling.
  const first = await box(gallery.getByRole("listitem").first().getByRole("link").first());
  expect(first.y + first.height).toBeLessThanOrEqual(WIDE.height);
  await expectNoAxeViolations(page);
  await saveScreenshot(page, "demo-wide");

  // A phone: one column, nothing wider than the screen.
  await page.setViewportSize(PHONE);
  const column = await Promise.all(
    [/Avatar/, /Gallery/, /Recent uploads/, /Documents/, /Large videos/].map((heading) =>
      box(section(page, heading)),
    ),
  );
  for (let i = 1; i < column.length; i++) {
    const [above, below] = [column[i - 1], column[i]] as [Box, Box];
    expect(below.x).toBe(above.x);
    expect(below.width).toBe(above.width);
    expect(below.y).toBeGreaterThan(above.y + above.height);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);
  await expect(page.getByRole("banner").getByText("Signed in as Jane Doe")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, "demo-phone");
});
