import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

/** The emulator the Playwright config starts for the run. */
export const EMULATOR = `http://localhost:${process.env.E2E_EMULATOR_PORT ?? 4510}`;

/** A 1x1 red PNG. */
export const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

export const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

export const section = (page: Page, heading: RegExp) =>
  page.locator("section", { has: page.getByRole("heading", { name: heading }) });

/** Picks files in an uploader's (hidden) file input, as the file dialog would. */
export const chooseFiles = (uploader: Locator, files: Parameters<Locator["setInputFiles"]>[0]) =>
  uploader.locator('input[type="file"]').setInputFiles(files);

export async function signIn(page: Page, name = "ada") {
  const response = await page.request.post("/api/session", { data: { name } });
  expect(response.ok()).toBe(true);
}

export async function injectFault(page: Page, rule: Record<string, unknown>) {
  const response = await page.request.post(`${EMULATOR}/_emulator/faults`, { data: rule });
  expect(response.status()).toBe(201);
}

export async function expectNoAxeViolations(page: Page) {
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
}

/** A screenshot of the whole page, kept with the run's test results. */
export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
