import { defineConfig, devices } from "@playwright/test";

// The app must be running (`npm run build && npm start`) against the emulator (`npm run
// emulator`); scripts/test-example-app starts both on free ports and passes their URLs.
export default defineConfig({
  testDir: "./e2e",
  outputDir: process.env.EXAMPLE_RESULTS_DIR ?? "./test-results",
  timeout: 30_000,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [["list"], ["json", { outputFile: process.env.EXAMPLE_REPORT ?? "reports/e2e.json" }]],
  use: {
    baseURL: process.env.EXAMPLE_URL ?? "http://localhost:3000",
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
});
