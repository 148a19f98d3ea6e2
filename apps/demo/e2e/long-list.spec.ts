import { expect, type Locator, test } from "@playwright/test";
import { chooseFiles, expectNoAxeViolations, png, section, signIn } from "./support";

const COUNT = 150;

/** Each mounted row's place in the list and its box on the page. */
const rowBoxes = (rows: Locator) =>
  rows.evaluateAll((elements) =>
    elements.map((element) => {
      const { top, bottom } = element.getBoundingClientRect();
      return { position: Number(element.getAttribute("aria-posinset")), top, bottom };
    }),
  );

test("lists a drop of 150 files windowed, every row reachable by scrolling and by Tab", async ({
  page,
}) => {
  await signIn(page);
  await page.goto("/");
  const gallery = section(page, /Gallery/);
  // The gallery takes 20 files: 20 upload, the other 130 are listed as refused.
  await chooseFiles(
    gallery,
    Array.from({ length: COUNT }, (_, index) => ({
      name: `photo-${index}.png`,
      mimeType: "image/png",
      buffer: png,
    })),
  );
  const list = gallery.getByRole("list", { name: "Files" });
  const rows = list.locator('[data-part="file-item"]');
  await expect(rows.first()).toHaveAttribute("aria-setsize", String(COUNT));
  await expect(rows.first()).toHaveAttribute("aria-posinset", "1");
  expect(await rows.count()).toBeLessThan(50);

  // The mounted rows are consecutive, each below the one before, none overlapping.
  const boxes = await rowBoxes(rows);
  for (const [index, box] of boxes.entries()) {
    const previous = boxes[index - 1];
    if (!previous) continue;
    expect(box.position).toBe(previous.position + 1);
    expect(box.top).toBeGreaterThanOrEqual(previous.bottom);
  }

  // Scrolled to the end of the list, the last file is there, with its reason.
  const box = list.locator("xpath=..");
  await box.evaluate((element) => element.scrollIntoView({ block: "end" }));
  const last = list.getByRole("listitem").filter({ hasText: `photo-${COUNT - 1}.png` });
  await expect(last).toBeInViewport({ ratio: 1 });
  await expect(last).toHaveAttribute("aria-posinset", String(COUNT));
  await expect(last.getByText("Too many files: at most 20 files")).toBeVisible();
  await expect(rows.first()).not.toHaveAttribute("aria-posinset", "1");
  // The list's box ends where its last row does: the measured heights add up.
  const boxEnd = await box.evaluate((element) => element.getBoundingClientRect().bottom);
  const lastEnd = await last.evaluate((element) => element.getBoundingClientRect().bottom);
  expect(Math.abs(boxEnd - lastEnd)).toBeLessThanOrEqual(2);

  // From the first row, Tab walks on past the rows that were mounted at first.
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(gallery.locator('[data-part="total-progress"]')).toHaveAttribute(
    "data-state",
    "success",
  );
  await expect(rows.first()).toHaveAttribute("aria-posinset", "1");
  await rows.first().getByRole("button").first().focus();
  for (let press = 0; press < 60; press += 1) await page.keyboard.press("Tab");
  const reached = await page.evaluate(() =>
    Number(
      document.activeElement?.closest('[data-part="file-item"]')?.getAttribute("aria-posinset") ??
        0,
    ),
  );
  expect(reached).toBeGreaterThan(40);
  await expectNoAxeViolations(page);
});
