import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
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
  // On a loaded document: a check that lands in the middle of a navigation (a sign-in or sign-out
  // reloads the page) sees a document without its <title> yet.
  await page.waitForLoadState("load");
  await expect(page).toHaveTitle(/\S/);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
}

/** A screenshot of the whole page, kept with the run's test results. */
export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

export const MiB = 1024 * 1024;

/** An MP4's first box, `ftyp` (isom): all a content sniffer needs to call the bytes a video. */
export const MP4_HEAD = Buffer.from([
  0x00,
  0x00,
  0x00,
  0x18,
  ...Buffer.from("ftypisom"),
  0x00,
  0x00,
  0x02,
  0x00,
  ...Buffer.from("isommp41"),
]);

/**
 * Writes an MP4 as far as any sniffer looks, `size` bytes, to `path` 4 MiB at a time (so a 300 MB
 * video is never held whole): the `ftyp` box, then random bytes, so that a chunk stored twice or
 * out of place changes the hash. Resolves the file's sha256, in hex.
 */
export async function writeMp4(path: string, size: number): Promise<string> {
  const hash = createHash("sha256");
  const file = await open(path, "w");
  try {
    for (let written = 0; written < size; ) {
      const chunk = randomBytes(Math.min(4 * MiB, size - written));
      if (written === 0) MP4_HEAD.copy(chunk);
      await file.write(chunk);
      hash.update(chunk);
      written += chunk.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest("hex");
}

/** The sha256 (hex) of what `url` serves, hashed as it arrives. */
export async function sha256Of(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const hash = createHash("sha256");
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return hash.digest("hex");
    hash.update(value);
  }
}

/** A file's progress in an uploader, 0-100, for `expect.poll`. */
export const progressOf = (uploader: Locator, name: string) => async () =>
  Number(
    await uploader
      .getByRole("progressbar", { name: `Upload of ${name}` })
      .getAttribute("aria-valuenow"),
  );

/** The demo's environment as playwright.config.ts's webServer has it: the same emulator. */
const DEMO_ENV = {
  NEXT_TELEMETRY_DISABLED: "1",
  IMAGEKIT_URL_ENDPOINT: `${EMULATOR}/upkit-demo`,
  IMAGEKIT_UPLOAD_ENDPOINT: EMULATOR,
  IMAGEKIT_API_ENDPOINT: EMULATOR,
};

const DEMO_DIR = fileURLToPath(new URL("..", import.meta.url));

/** A port no one listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A `next start` of the built demo that a test starts, and kills, itself. */
export interface DemoServer {
  url: string;
  /** SIGKILL, as a crash or an OOM kill would end it: nothing is flushed or closed. */
  kill(): Promise<void>;
}

/**
 * Starts another `next start` of the already built demo on `port`, beside the config's own,
 * against the same emulator and the same folder of unfinished tus uploads (`.upkit-tus`, in the
 * demo's directory); resolves once it answers.
 */
export async function startDemo(port: number): Promise<DemoServer> {
  const url = `http://localhost:${port}`;
  // Its own process group: the kill reaches next and anything it started, and nothing else.
  const child = spawn("node_modules/.bin/next", ["start", "-p", String(port)], {
    cwd: DEMO_DIR,
    env: { ...process.env, ...DEMO_ENV },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (data: Buffer) => {
    output = (output + data.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const server = { url, kill: () => killGroup(child, exited) };
  // Until it answers, or gives up: a plain loop, since a poll would not stop at an early exit.
  for (const deadline = Date.now() + 60_000; ; ) {
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await server.kill();
      throw new Error(`next start on port ${port} did not answer:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return server;
}

async function killGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(-child.pid, "SIGKILL");
  await exited;
}
