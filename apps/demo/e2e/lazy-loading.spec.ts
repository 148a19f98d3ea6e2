import { expect, type Page, test } from "@playwright/test";

// Code only the file list needs: `data-part="file-item"` is set by the file row alone, and the
// sentence is the engine queue's (it picks a transport per file).
const FILE_LIST_CODE = '"file-item"';
const QUEUE_CODE = "None of the";

/** The text of every script the page has loaded so far. */
function scriptsOf(page: Page) {
  const bodies: Promise<string>[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") bodies.push(response.text());
  });
  return async () => (await Promise.all(bodies)).join("\n");
}

test("loads the file list and the upload queue when the user reaches for a dropzone, not with the page", async ({
  page,
}) => {
  const scripts = scriptsOf(page);
  await page.goto("/");
  const dropzone = page.locator('[data-part="dropzone"]').first();
  await expect(dropzone).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(await scripts()).not.toContain(FILE_LIST_CODE);
  expect(await scripts()).not.toContain(QUEUE_CODE);

  await dropzone.hover();
  await expect.poll(scripts).toContain(FILE_LIST_CODE);
  await expect.poll(scripts).toContain(QUEUE_CODE);
});
