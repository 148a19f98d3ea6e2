import { defineConfig, devices } from "@playwright/test";

// The demo on its own ports, against a fresh emulator, so a running `./scripts/demo` is left alone.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT ?? 4510);
const emulator = `http://localhost:${EMULATOR_PORT}`;

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  timeout: 30_000,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [["list"], ["json", { outputFile: "reports/e2e.json" }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        // Playwright's own browser download does not work here: Debian's Chromium does.
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: ["--disable-gpu", "--disable-quic"],
        },
      },
    },
  ],
  webServer: [
    {
      // A fresh data directory each run (Playwright empties `test-results` itself, too late for this).
      command: `rm -rf .e2e-emulator && node ../../packages/emulator/dist/cli.js --port ${EMULATOR_PORT} --dir .e2e-emulator --quiet --async-delay 1000 --webhook-url http://localhost:${PORT}/api/upload/webhook`,
      url: `${emulator}/_emulator/health`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `pnpm exec next start -p ${PORT}`,
      url: `http://localhost:${PORT}`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        IMAGEKIT_URL_ENDPOINT: `${emulator}/upkit-demo`,
        IMAGEKIT_UPLOAD_ENDPOINT: emulator,
        IMAGEKIT_API_ENDPOINT: emulator,
      },
    },
  ],
});
