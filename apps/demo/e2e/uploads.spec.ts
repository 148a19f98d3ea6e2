import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import {
  chooseFiles,
  EMULATOR,
  expectNoAxeViolations,
  injectFault,
  pdf,
  png,
  screenshot,
  section,
  signIn,
} from "./support";

test("refuses uploads while signed out, with a clear message", async ({ page }) => {
  await page.goto("/");
  const gallery = section(page, /Gallery/);
  await chooseFiles(gallery, { name: "red.png", mimeType: "image/png", buffer: png });
  await expect(gallery.getByText("Sign in to upload.")).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshot(page, "signed-out");
});

test("uploads an image straight to ImageKit (the emulator) and shows it in the gallery", async ({
  page,
}) => {
  await signIn(page);
  await page.goto("/");
  const gallery = section(page, /Gallery/);
  await chooseFiles(gallery, { name: "red.png", mimeType: "image/png", buffer: png });
  await expect(gallery.getByText("Uploaded", { exact: true })).toBeVisible();
  const href = await gallery.getByRole("link", { name: "Open red.png" }).getAttribute("href");
  expect(href).toMatch(
    /^http:\/\/localhost:\d+\/upkit-demo\/demo\/gallery\/red_[A-Za-z0-9_-]{9}\.png/,
  );
  // The file is really there: the emulator serves it, byte for byte.
  const served = await page.request.get(href as string);
  expect(served.status()).toBe(200);
  expect(Buffer.from(await served.body()).equals(png)).toBe(true);
  // The gallery (React Query over the file list API) refreshed after the upload.
  const name = new URL(href as string).pathname.split("/").pop() as string;
  await expect(page.getByRole("list", { name: "Gallery" }).getByText(name)).toBeVisible();
  await screenshot(page, "gallery-uploaded");
});

test("puts an avatar in the user's own folder", async ({ page }) => {
  await signIn(page, "grace");
  await page.goto("/");
  const avatar = section(page, /Avatar/);
  await chooseFiles(avatar, { name: "me.png", mimeType: "image/png", buffer: png });
  await expect(avatar.getByText("Uploaded", { exact: true })).toBeVisible();
  const href = await avatar.getByRole("link", { name: "Open me.png" }).getAttribute("href");
  expect(href).toContain("/demo/users/grace/me_");
});

test("streams a document through the server and rejects a type the profile does not take", async ({
  page,
}) => {
  await signIn(page);
  await page.goto("/");
  const documents = section(page, /Documents/);
  await chooseFiles(documents, [
    { name: "report.pdf", mimeType: "application/pdf", buffer: pdf },
    { name: "tool.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") },
  ]);
  await expect(documents.getByText("Uploaded", { exact: true })).toBeVisible();
  await expect(documents.getByRole("link", { name: "Open report.pdf" })).toBeVisible();
  await expect(documents.getByText(/Not an accepted type/)).toBeVisible();
  await expect(documents.getByRole("status")).toContainText("report.pdf uploaded");
});

test("has no accessibility violations, before and after an upload", async ({ page }) => {
  await signIn(page);
  await page.goto("/");
  await expectNoAxeViolations(page);
  const gallery = section(page, /Gallery/);
  await chooseFiles(gallery, { name: "dot.png", mimeType: "image/png", buffer: png });
  await expect(gallery.getByText("Uploaded", { exact: true })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("the uploader is usable by keyboard alone", async ({ page }) => {
  await signIn(page);
  await page.goto("/");
  const dropzone = section(page, /Avatar/).getByRole("button", { name: /drop files/i });
  for (
    let presses = 0;
    presses < 6 && !(await dropzone.evaluate((el) => el === document.activeElement));
    presses++
  ) {
    await page.keyboard.press("Tab");
  }
  await expect(dropzone).toBeFocused();
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Enter");
  await (await chooser).setFiles({ name: "keys.png", mimeType: "image/png", buffer: png });
  await expect(section(page, /Avatar/).getByText("Uploaded", { exact: true })).toBeVisible();
});

test("no file the browser downloads holds the private key", async () => {
  const root = join(import.meta.dirname, "..", ".next", "static");
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) =>
    entry.isFile(),
  );
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const text = await readFile(join(file.parentPath, file.name), "utf8");
    expect(text, file.name).not.toContain("private_emulator_key");
  }
});

test("shows the avatar's thumbnail post-transformation until ImageKit's webhook says it is done", async ({
  page,
}) => {
  await signIn(page, "alan");
  await page.goto("/");
  const avatar = section(page, /Avatar/);
  await chooseFiles(avatar, { name: "me.png", mimeType: "image/png", buffer: png });
  await expect(avatar.getByText("Uploaded", { exact: true })).toBeVisible();
  // The emulator takes a second to make the thumbnail (--async-delay 1000), then posts the
  // webhook to the demo's route; the uploader polls the route's status until it is done.
  await expect(avatar.getByText("Processing thumbnail…")).toBeVisible();
  await expect(avatar.getByText("Processing thumbnail…")).toBeHidden({ timeout: 15_000 });
});

test.afterEach(async ({ page }) => {
  await page.request.delete(`${EMULATOR}/_emulator/faults`);
});

test("rejects a file over the profile's size limit before sending anything", async ({ page }) => {
  await signIn(page);
  await page.goto("/");
  const avatar = section(page, /Avatar/);
  const big = Buffer.concat([png, Buffer.alloc(3 * 1024 * 1024)]);
  await chooseFiles(avatar, { name: "huge.png", mimeType: "image/png", buffer: big });
  await expect(avatar.getByText(/Too large: the limit is 2 MB/)).toBeVisible();
  await screenshot(page, "rejected");
});

test("cancels an upload mid-way", async ({ page }) => {
  await signIn(page);
  await page.goto("/");
  // ImageKit (the emulator) takes its time with the next upload.
  await injectFault(page, { path: "/api/v2/files/upload", times: 1, fault: { latencyMs: 8000 } });
  const gallery = section(page, /Gallery/);
  await chooseFiles(gallery, { name: "slow.png", mimeType: "image/png", buffer: png });
  await gallery.getByRole("button", { name: "Cancel slow.png" }).click();
  await expect(gallery.getByText("Canceled", { exact: true })).toBeVisible();
  await expect(gallery.getByText("Uploaded", { exact: true })).toHaveCount(0);
});

test("retries after ImageKit fails, then succeeds", async ({ page }) => {
  await signIn(page);
  await page.goto("/");
  // More 503s than the engine's own retries: the file fails, then the user retries it.
  await injectFault(page, { path: "/api/v2/files/upload", times: 4, fault: { status: 503 } });
  const gallery = section(page, /Gallery/);
  await chooseFiles(gallery, { name: "flaky.png", mimeType: "image/png", buffer: png });
  await expect(gallery.getByText("Failed", { exact: true })).toBeVisible({ timeout: 25_000 });
  await gallery.getByRole("button", { name: "Retry flaky.png" }).click();
  await expect(gallery.getByText("Uploaded", { exact: true })).toBeVisible();
});

test("a signed upload the browser tampers with is refused by ImageKit", async ({ page }) => {
  await signIn(page, "mallory");
  // Rewrite the server's answer on its way to the page: the file would land in someone else's folder.
  await page.route("**/api/upload/avatar/sign", async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { files: { fields: Record<string, string> }[] };
    for (const file of body.files) file.fields.folder = "/demo/users/victim/";
    await route.fulfill({ response, json: body });
  });
  await page.goto("/");
  const avatar = section(page, /Avatar/);
  await chooseFiles(avatar, { name: "evil.png", mimeType: "image/png", buffer: png });
  await expect(avatar.getByText("Failed", { exact: true })).toBeVisible();
  await expect(
    avatar.getByText(/does not match with the payload used to generate token/),
  ).toBeVisible();
});

test("shows which backend is in use", async ({ page }) => {
  await page.goto("/");
  await page.getByText("Settings").click();
  await expect(page.getByText("Local ImageKit emulator (no keys set)")).toBeVisible();
  await expect(page.getByText("Verified at /api/upload/webhook")).toBeVisible();
  await screenshot(page, "settings");
});
