import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { gzipSync } from "node:zlib";
import { type Browser, expect, test } from "@playwright/test";

/** What `<Uploader>` may add to a page up front, gzipped: @upkit/react's own budget. */
const BUDGET_BYTES = 12 * 1024;
const REPORT = process.env.EXAMPLE_SIZE_REPORT ?? "reports/first-load-js.json";

interface Script {
  url: string;
  /** gzip -9 of the script as served (each file on its own, as a browser downloads it). */
  gzipped: number;
  /** The bytes that came over the wire (`next start` compresses them itself). */
  transferred: number;
  body: Buffer;
}

/**
 * Every script a fresh browser loads for `path` until the network is idle, with no pointer,
 * focus or file (those load the uploader's lazy parts, which are not up front by design).
 */
async function firstLoadScripts(browser: Browser, path: string, ready: string): Promise<Script[]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const scripts: Promise<Script>[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() !== "script") return;
    scripts.push(
      (async () => {
        const body = await response.body();
        return {
          url: new URL(response.url()).pathname,
          gzipped: gzipSync(body, { level: 9 }).length,
          transferred: (await response.request().sizes()).responseBodySize,
          body,
        };
      })(),
    );
  });
  await page.goto(path, { waitUntil: "networkidle" });
  await expect(page.locator(ready)).toBeVisible();
  await page.waitForLoadState("networkidle");
  const result = await Promise.all(scripts);
  await context.close();
  return result.sort((a, b) => a.url.localeCompare(b.url));
}

const sum = (scripts: Script[], key: "gzipped" | "transferred") =>
  scripts.reduce((total, script) => total + script[key], 0);

test("<Uploader> adds at most 12 KB gzipped to a page's first-load JavaScript", async ({
  browser,
}, testInfo) => {
  const empty = await firstLoadScripts(browser, "/empty", "h1");
  const uploader = await firstLoadScripts(browser, "/", '[data-part="dropzone"]');
  const added = {
    gzipped: sum(uploader, "gzipped") - sum(empty, "gzipped"),
    transferred: sum(uploader, "transferred") - sum(empty, "transferred"),
  };
  const emptyUrls = new Set(empty.map((script) => script.url));
  const onlyOnUploaderPage = uploader.filter((script) => !emptyUrls.has(script.url));
  const listed = (scripts: Script[]) => scripts.map(({ body, ...script }) => script);
  const report = {
    budgetBytes: BUDGET_BYTES,
    addedGzippedBytes: added.gzipped,
    addedTransferredBytes: added.transferred,
    // The same scripts gzipped as one file, as @upkit/react's own size check (scripts/size.mjs)
    // measures its bundle: what splitting them into several chunks costs is the difference.
    onlyOnUploaderPageGzippedTogetherBytes: gzipSync(
      Buffer.concat(onlyOnUploaderPage.map((script) => script.body)),
      { level: 9 },
    ).length,
    emptyPage: { gzippedBytes: sum(empty, "gzipped"), scripts: empty.length },
    uploaderPage: { gzippedBytes: sum(uploader, "gzipped"), scripts: uploader.length },
    onlyOnUploaderPage: listed(onlyOnUploaderPage),
    onlyOnEmptyPage: listed(
      empty.filter((script) => !uploader.some((other) => other.url === script.url)),
    ),
  };
  mkdirSync(dirname(REPORT), { recursive: true });
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  testInfo.annotations.push({
    type: "first-load-js",
    description: `<Uploader> adds ${kb(added.gzipped)} gzipped (${kb(added.transferred)} transferred) to / over /empty; budget ${kb(BUDGET_BYTES)}`,
  });
  expect(added.gzipped, "gzipped bytes <Uploader> adds up front").toBeLessThanOrEqual(BUDGET_BYTES);
});
