import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Locator, type Page, test } from "@playwright/test";
import {
  chooseFiles,
  type DemoServer,
  EMULATOR,
  freePort,
  MiB,
  progressOf,
  section,
  sha256Of,
  signIn,
  startDemo,
  writeMp4,
} from "./support";

/** A tus PATCH the server took: the upload, the offset it was sent at, and the one answered. */
interface Patch {
  url: string;
  from: number;
  to: number;
}

const TUS_UPLOAD = /\/api\/upload\/videos\/tus\/[A-Za-z0-9_-]+$/;

/**
 * What reaches the videos profile's tus route, from the browser's side: each PATCH the server
 * took (bytes it stored: `to - from`), and the requests that never got an answer (offline, or
 * the server gone). The page keeps these listeners across reloads.
 */
function watchTus(page: Page) {
  const patches: Patch[] = [];
  let failures = 0;
  page.on("response", (response) => {
    const request = response.request();
    if (request.method() !== "PATCH" || !TUS_UPLOAD.test(request.url())) return;
    const to = Number(response.headers()["upload-offset"]);
    if (response.status() !== 204 || !Number.isFinite(to)) return;
    patches.push({ url: request.url(), from: Number(request.headers()["upload-offset"]), to });
  });
  page.on("requestfailed", (request) => {
    if (TUS_UPLOAD.test(request.url())) failures++;
  });
  return {
    patches,
    /** How many bytes the server has, as its last answer said. */
    offset: () => patches.at(-1)?.to ?? 0,
    failures: () => failures,
    /** Waits until the server has at least `bytes`. */
    reached: (bytes: number, timeout = 60_000) =>
      expect
        .poll(() => patches.at(-1)?.to ?? 0, { intervals: [50], timeout })
        .toBeGreaterThanOrEqual(bytes),
    /** The PATCHes the server took from the `mark`-th on. */
    since: (mark: number) => patches.slice(mark),
    /** Every upload URL written to. */
    urls: () => [...new Set(patches.map((patch) => patch.url))],
  };
}

type TusWatch = ReturnType<typeof watchTus>;

/** Bytes the server stored from these PATCHes. */
const stored = (patches: Patch[]) => patches.reduce((sum, { from, to }) => sum + to - from, 0);

/**
 * Ends what a failed test left unfinished, so that its bytes do not wait in `.upkit-tus` until
 * they expire. A finished upload is the forward's to remove: the server refuses (harmlessly).
 */
async function dropUnfinished(page: Page, tus: TusWatch) {
  // The page sends nothing more (no new upload from byte 0 after this one is gone); the test's
  // own requests are not the browser's, and still go.
  await page.context().setOffline(true);
  for (const url of tus.urls()) {
    await page.request.delete(url, { headers: { "Tus-Resumable": "1.0.0" } }).catch(() => {});
  }
}

/** Holds each tus PATCH back a little, so that the upload can be caught mid-way. */
async function slowChunks(page: Page, delayMs: number) {
  await page.route("**/api/upload/videos/tus/**", async (route) => {
    if (route.request().method() === "PATCH") await new Promise((r) => setTimeout(r, delayMs));
    // A pause or a reload aborts the request held here: then there is nothing to continue.
    await route.continue().catch(() => {});
  });
}

/**
 * After an interruption the upload goes on by itself (tus-js-client's retries, then the
 * engine's), or, once those are spent, the file fails and offers Retry: whichever the UI does
 * first, the user's part is done here. Resolves which it was.
 */
async function goesOn(videos: Locator, tus: TusWatch, name: string, after: number) {
  const retry = videos.getByRole("button", { name: `Retry ${name}` });
  await expect
    .poll(async () => tus.offset() > after || (await retry.isVisible()), { timeout: 60_000 })
    .toBe(true);
  if (tus.offset() > after) return "went on by itself";
  await expect(videos.getByText("Failed", { exact: true })).toBeVisible();
  await retry.click();
  await tus.reached(after + 1);
  return "failed, then went on after Retry";
}

/** Re-picks the file after a reload: the upload goes on from the server's offset, and says so. */
async function pickAgain(page: Page, tus: TusWatch, path: string) {
  const videos = section(page, /Large videos/);
  const mark = tus.patches.length;
  const serverHad = tus.offset();
  await chooseFiles(videos, path);
  await expect(videos.getByText(/^Resumed from \d/)).toBeVisible();
  await tus.reached(serverHad + 1);
  // The first PATCH after the reload starts where the server was, not at byte 0: at least what it
  // had acknowledged (a chunk in flight at the reload may have reached it, all or in part).
  expect(tus.since(mark)[0]?.from).toBeGreaterThanOrEqual(Math.max(serverHad, 1));
  return mark;
}

/** The stored file: the uploader's link, its entry in the gallery, and ImageKit's record of it. */
async function expectInGallery(page: Page, videos: Locator, name: string, size: number) {
  const href = await videos.getByRole("link", { name: `Open ${name}` }).getAttribute("href");
  expect(href).toMatch(/^http:\/\/localhost:\d+\/upkit-demo\/demo\/videos\//);
  const storedName = new URL(href as string).pathname.split("/").pop() as string;
  // The gallery lists the videos folder too, refreshed when the upload completes.
  const item = page
    .getByRole("list", { name: "Gallery" })
    .getByRole("listitem")
    .filter({ has: page.getByText(storedName, { exact: true }) });
  await expect(item).toBeVisible();
  // The same file (the gallery's link may carry ImageKit's `?updatedAt=`); the link is the video's
  // thumbnail, named by it.
  const galleryHref = await item.getByRole("link", { name: storedName }).getAttribute("href");
  expect(new URL(galleryHref as string).pathname).toBe(new URL(href as string).pathname);
  const listed = await page.request.get(`${EMULATOR}/v1/files?path=/demo/videos`, {
    headers: { Authorization: `Basic ${Buffer.from("private_emulator_key:").toString("base64")}` },
  });
  expect(listed.ok()).toBe(true);
  const files = (await listed.json()) as { name: string; size: number; tags: string[] }[];
  expect(files.find((file) => file.name === storedName)).toMatchObject({
    size,
    tags: ["demo", "video"],
  });
  return href as string;
}

let dir: string;

test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "upkit-e2e-tus-"));
});

test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("goes on from the server's offset when the same video is picked again after a reload", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const size = 20 * MiB;
  // From a file on disk: picked again, it is the same file (name, size, lastModified), which is
  // what tus-js-client's stored upload URL is found by.
  const path = join(dir, "reloaded.mp4");
  const sha256 = await writeMp4(path, size);
  await signIn(page);
  await page.goto("/");
  await slowChunks(page, 600);
  const tus = watchTus(page);
  try {
    await chooseFiles(section(page, /Large videos/), path);

    // A first chunk is on the server, the rest is not: the page goes away.
    await tus.reached(1);
    await page.reload();
    const mark = await pickAgain(page, tus, path);

    const videos = section(page, /Large videos/);
    await expect(videos.getByText("Uploaded", { exact: true })).toBeVisible({ timeout: 60_000 });
    // One upload throughout; after the reload only what the server lacked was sent.
    expect(tus.urls()).toHaveLength(1);
    const after = tus.since(mark);
    expect(stored(after)).toBe(size - (after[0]?.from ?? 0));
    expect(stored(after)).toBeLessThan(size);
    const href = await expectInGallery(page, videos, "reloaded.mp4", size);
    expect(await sha256Of(href)).toBe(sha256);
  } finally {
    await dropUnfinished(page, tus);
  }
});

test("uploads a 300 MB video by tus through a pause, a network drop, a reload and a server restart", async ({
  page,
  context,
}) => {
  // Under a minute on two busy cores; the rest is room.
  test.setTimeout(240_000);
  // The profile's limit, "300MB", as the uploader shows it: 300,000,000 bytes.
  const size = 300_000_000;
  const name = "feature.mp4";
  const path = join(dir, name);
  const sha256 = await writeMp4(path, size);
  // A demo server of this test's own, so that it can be killed mid-upload.
  const port = await freePort();
  let server: DemoServer | undefined = await startDemo(port);
  const tus = watchTus(page);
  const ways: string[] = [];
  try {
    // The session cookie is the host's, whatever the port.
    await signIn(page);
    await page.goto(server.url);
    let videos = section(page, /Large videos/);
    await chooseFiles(videos, path);

    // Paused mid-way, then resumed from the server's offset.
    await tus.reached(20 * MiB);
    await videos.getByRole("button", { name: `Pause ${name}` }).click();
    await expect(videos.getByText("Paused", { exact: true })).toBeVisible();
    expect(await progressOf(videos, name)()).toBeLessThan(100);
    await videos.getByRole("button", { name: `Resume ${name}` }).click();
    await expect(videos.getByText(/^Resumed from \d/)).toBeVisible();

    // The network drops until a request is lost on the way, then comes back.
    await tus.reached(60 * MiB);
    const failures = tus.failures();
    await context.setOffline(true);
    await expect.poll(tus.failures).toBeGreaterThan(failures);
    await context.setOffline(false);
    ways.push(`network drop: ${await goesOn(videos, tus, name, tus.offset())}`);

    // The page reloads mid-upload; the user picks the same file again.
    await tus.reached(120 * MiB);
    await page.reload();
    const mark = await pickAgain(page, tus, path);
    videos = section(page, /Large videos/);

    // The server is killed mid-upload (requests to it fail), and started again on the same port.
    await tus.reached(180 * MiB);
    const killedFailures = tus.failures();
    await server.kill();
    server = undefined;
    const killedAt = tus.offset();
    await expect.poll(tus.failures, { timeout: 30_000 }).toBeGreaterThan(killedFailures);
    server = await startDemo(port);
    const restartMark = tus.patches.length;
    ways.push(`server restart: ${await goesOn(videos, tus, name, killedAt)}`);

    await expect(videos.getByText("Uploaded", { exact: true })).toBeVisible({ timeout: 150_000 });
    // One upload throughout, never started again from byte 0: the restarted server went on from
    // what the killed one had stored, and the reload from what the server had.
    expect(tus.urls()).toHaveLength(1);
    const afterRestart = tus.since(restartMark);
    expect(afterRestart.length).toBeGreaterThan(0);
    for (const patch of afterRestart) expect(patch.from).toBeGreaterThanOrEqual(killedAt);
    expect(stored(tus.since(mark))).toBeLessThan(size);
    const href = await expectInGallery(page, videos, name, size);
    // Byte for byte what was picked, as the emulator serves it.
    expect(await sha256Of(href)).toBe(sha256);
  } finally {
    test.info().annotations.push(...ways.map((description) => ({ type: "tus", description })));
    if (server) await dropUnfinished(page, tus);
    await server?.kill();
  }
});
