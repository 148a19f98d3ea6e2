import { expect, type Page, test } from "@playwright/test";
import { chooseFiles, EMULATOR, MiB, MP4_HEAD, progressOf, section, signIn } from "./support";

/** An MP4 as far as any sniffer looks, `size` bytes in all. */
function mp4(size: number): Buffer {
  const video = Buffer.alloc(size, 0x2a);
  MP4_HEAD.copy(video);
  return video;
}

/** Holds each tus PATCH (one 4 MiB chunk) back a little, so the upload can be caught mid-way. */
async function slowChunks(page: Page, delayMs: number) {
  await page.route("**/api/upload/videos/tus/**", async (route) => {
    if (route.request().method() === "PATCH") await new Promise((r) => setTimeout(r, delayMs));
    // A paused upload aborts its request in flight: then there is nothing left to continue.
    await route.continue().catch(() => {});
  });
}

test("uploads a large video by tus, paused and resumed mid-way, and through a second offline", async ({
  page,
  context,
}) => {
  test.setTimeout(60_000);
  await signIn(page);
  await page.goto("/");
  await slowChunks(page, 600);
  const videos = section(page, /Large videos/);
  const video = mp4(20 * MiB);
  await chooseFiles(videos, { name: "clip.mp4", mimeType: "video/mp4", buffer: video });

  // Mid-way: some chunks are on the server, not all.
  await expect.poll(progressOf(videos, "clip.mp4"), { timeout: 20_000 }).toBeGreaterThan(0);
  await videos.getByRole("button", { name: "Pause clip.mp4" }).click();
  await expect(videos.getByText("Paused", { exact: true })).toBeVisible();
  const pausedAt = await progressOf(videos, "clip.mp4")();
  expect(pausedAt).toBeLessThan(100);

  await videos.getByRole("button", { name: "Resume clip.mp4" }).click();
  await expect(videos.getByText(/Resumed from/)).toBeVisible();
  // The network drops for a second, while chunks are still to go: tus-js-client retries the lost
  // chunk and goes on.
  expect(await progressOf(videos, "clip.mp4")()).toBeLessThan(100);
  await context.setOffline(true);
  await page.waitForTimeout(1000);
  await context.setOffline(false);

  await expect(videos.getByText("Uploaded", { exact: true })).toBeVisible({ timeout: 30_000 });
  const href = await videos.getByRole("link", { name: "Open clip.mp4" }).getAttribute("href");
  expect(href).toMatch(
    /^http:\/\/localhost:\d+\/upkit-demo\/demo\/videos\/clip_[A-Za-z0-9_-]{9}\.mp4/,
  );

  // ImageKit (the emulator) has the whole file, in the profile's folder, with its tags.
  const listed = await page.request.get(`${EMULATOR}/v1/files?path=/demo/videos`, {
    headers: { Authorization: `Basic ${Buffer.from("private_emulator_key:").toString("base64")}` },
  });
  expect(listed.ok()).toBe(true);
  const files = (await listed.json()) as { name: string; size: number; tags: string[] }[];
  const stored = files.find(
    (file) => file.name === new URL(href as string).pathname.split("/").pop(),
  );
  expect(stored).toMatchObject({ size: video.length, tags: ["demo", "video"] });
  const served = await page.request.get(href as string);
  expect(served.status()).toBe(200);
  expect(Buffer.from(await served.body()).equals(video)).toBe(true);
});
