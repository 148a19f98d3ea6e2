import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";

const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);
const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

test("uploads an image straight to ImageKit (the emulator) and shows the result", async ({
  page,
}) => {
  await page.goto("/");
  const gallery = page.locator("section", { has: page.getByRole("heading", { name: /Gallery/ }) });
  await gallery
    .locator('input[type="file"]')
    .setInputFiles({ name: "red.png", mimeType: "image/png", buffer: png });
  await expect(gallery.getByText("Uploaded", { exact: true })).toBeVisible();
  const link = gallery.getByRole("link", { name: "Open red.png" });
  const href = await link.getAttribute("href");
  expect(href).toMatch(
    /^http:\/\/localhost:\d+\/upkit-demo\/demo\/gallery\/red_[A-Za-z0-9_-]{9}\.png/,
  );
  // The file is really there: the emulator serves it.
  const served = await page.request.get(href as string);
  expect(served.status()).toBe(200);
  expect(Buffer.from(await served.body()).equals(png)).toBe(true);
  await page.screenshot({ path: "test-results/screenshots/gallery-uploaded.png", fullPage: true });
});

test("streams a document through the server and rejects a type the profile does not take", async ({
  page,
}) => {
  await page.goto("/");
  const documents = page.locator("section", {
    has: page.getByRole("heading", { name: /Documents/ }),
  });
  await documents.locator('input[type="file"]').setInputFiles([
    { name: "report.pdf", mimeType: "application/pdf", buffer: pdf },
    { name: "tool.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") },
  ]);
  await expect(documents.getByText("Uploaded", { exact: true })).toBeVisible();
  await expect(documents.getByRole("link", { name: "Open report.pdf" })).toBeVisible();
  await expect(documents.getByText(/Not an accepted type/)).toBeVisible();
  await expect(documents.getByRole("status")).toContainText("report.pdf uploaded");
});

test("has no accessibility violations, before and after an upload", async ({ page }) => {
  await page.goto("/");
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  const gallery = page.locator("section", { has: page.getByRole("heading", { name: /Gallery/ }) });
  await gallery
    .locator('input[type="file"]')
    .setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: png });
  await expect(gallery.getByText("Uploaded", { exact: true })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

test("the uploader is usable by keyboard alone", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const dropzone = page.getByRole("button", { name: /drop files/i }).first();
  await expect(dropzone).toBeFocused();
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Enter");
  await (await chooser).setFiles({ name: "keys.png", mimeType: "image/png", buffer: png });
  const gallery = page.locator("section", { has: page.getByRole("heading", { name: /Gallery/ }) });
  await expect(gallery.getByText("Uploaded", { exact: true })).toBeVisible();
});
