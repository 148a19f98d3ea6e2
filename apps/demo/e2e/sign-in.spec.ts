import { expect, type Page, test } from "@playwright/test";
import { folderSlug, userFolder } from "../lib/folder-slug";
import { SESSION_COOKIE } from "../lib/session";
import { gradientPng } from "./media-fixtures";
import { chooseFiles, EMULATOR, expectNoAxeViolations, section } from "./support";

/** What ImageKit (the emulator) holds in a folder: its list API, as an administrator calls it. */
async function filesIn(page: Page, folder: string) {
  const listed = await page.request.get(`${EMULATOR}/v1/files?path=${encodeURIComponent(folder)}`, {
    headers: { Authorization: `Basic ${Buffer.from("private_emulator_key:").toString("base64")}` },
  });
  expect(listed.ok()).toBe(true);
  return ((await listed.json()) as { name: string; filePath: string }[]).map(
    (file) => file.filePath,
  );
}

test("signs in by a name as people write it; each user's avatar lands in a folder of their own", async ({
  page,
}) => {
  const users = [
    {
      name: "Jane Doe",
      file: "jane.png",
      colors: [
        [14, 165, 233],
        [99, 102, 241],
      ] as const,
    },
    {
      name: "Zoë Ångström-李",
      file: "zoe.png",
      colors: [
        [236, 72, 153],
        [250, 204, 21],
      ] as const,
    },
  ];
  const folders: string[] = [];
  for (const { name, file, colors } of users) {
    await page.goto("/");
    const header = page.getByRole("banner");
    await header.getByLabel("Your name").fill(name);
    await header.getByRole("button", { name: "Sign in" }).click();
    // Shown as typed, in the header.
    await expect(header.locator("strong")).toHaveText(name);
    await expect(header.getByText(`Signed in as ${name}`)).toBeVisible();

    const folder = userFolder(folderSlug(name));
    const avatar = section(page, /Avatar/);
    await expect(avatar.getByText(folder, { exact: true })).toBeVisible();
    await chooseFiles(avatar, {
      name: file,
      mimeType: "image/png",
      buffer: gradientPng(96, 96, colors[0], colors[1]),
    });
    await expect(avatar.getByText("Uploaded", { exact: true })).toBeVisible();
    const href = await avatar.getByRole("link", { name: `Open ${file}` }).getAttribute("href");
    const stored = new URL(href as string).pathname;
    expect(stored).toMatch(new RegExp(`^/upkit-demo${folder}/${file.replace(".png", "")}_`));
    // ImageKit has it there, under the folder's name alone.
    expect(await filesIn(page, folder)).toContain(stored.replace("/upkit-demo", ""));
    folders.push(folder);
    await expectNoAxeViolations(page);

    await header.getByRole("button", { name: "Sign out" }).click();
    await expect(header.getByLabel("Your name")).toBeVisible();
  }
  expect(folders).toEqual([
    "/demo/users/jane-doe-01332c",
    expect.stringMatching(/^\/demo\/users\/zoe-angstrom-[0-9a-f]{6}$/),
  ]);
});

test("refuses a name it cannot take, saying why", async ({ page }) => {
  await page.goto("/");
  const header = page.getByRole("banner");
  await header.getByLabel("Your name").fill("a".repeat(65));
  await header.getByRole("button", { name: "Sign in" }).click();
  await expect(header.getByRole("alert")).toHaveText("Use at most 64 characters.");
  await expect(header.getByLabel("Your name")).toHaveAccessibleDescription(
    "Use at most 64 characters.",
  );
  await expectNoAxeViolations(page);
});

test("ignores a cookie the sign-in did not write", async ({ page, context, baseURL }) => {
  await context.addCookies([
    { name: SESSION_COOKIE, value: "..%2F..%2Fvictim", url: baseURL as string },
  ]);
  await page.goto("/");
  await expect(page.getByRole("banner").getByLabel("Your name")).toBeVisible();
  const gallery = section(page, /Gallery/);
  await chooseFiles(gallery, {
    name: "forged.png",
    mimeType: "image/png",
    buffer: gradientPng(8, 8, [0, 0, 0], [255, 255, 255]),
  });
  await expect(gallery.getByText("Sign in to upload.")).toBeVisible();
});
