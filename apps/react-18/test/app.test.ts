import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { fireEvent, screen, waitFor } from "@testing-library/dom";
import { beforeAll, expect, inject, it } from "vitest";
import { dropData, png } from "../../../packages/react/test/support/manual-transport";

/**
 * A React 18 app as a user builds it: `vite build` of src/main.tsx, which renders `<Uploader>`
 * from the built @upkit/react (dist: `pnpm build` first) with React 18. The output is loaded
 * into this jsdom page and uploads a file through the real engine, to the real route handler and
 * ImageKit emulator of packages/react/test/support/upload-stack.ts.
 */

const run = promisify(execFile);
// Paths from import.meta.dirname: in this jsdom realm, `URL` is jsdom's, which Node's
// fileURLToPath refuses.
const app = join(import.meta.dirname, "..");
const vite = join(app, "node_modules/vite/bin/vite.js");
// In the app's folder (dist/ is ignored by git and Biome): Vitest would not load the build from
// the system's temp folder ("Cannot find module").
const out = join(app, "dist");

beforeAll(async () => {
  // Its own process: Vite's build does not belong in this test's jsdom realm.
  await run(process.execPath, [vite, "build", "--logLevel", "error"], { cwd: app });
}, 60_000);

it("bundles React 18 and no React 19", async () => {
  const assets = join(out, "assets");
  const code = (
    await Promise.all(
      (
        await readdir(assets)
      )
        .filter((name) => name.endsWith(".js"))
        .map((name) => readFile(join(assets, name), "utf8")),
    )
  ).join("\n");
  // React's `version` export, a string literal in any quotes.
  expect(/["'`]18\.3\.1["'`]/.test(code), "React 18.3.1 in the bundle").toBe(true);
  // React 19's element type: a copy of React 19 anywhere in the bundle (@upkit/react's own, were
  // it to resolve `react` from packages/react) would carry it. Its version string alone would
  // not show: the bundler drops the unused export.
  expect(code.includes("react.transitional.element"), "React 19 in the bundle").toBe(false);
});

it("renders the built page and uploads a file to the route and the emulator", async () => {
  const html = await readFile(join(out, "index.html"), "utf8");
  const entry = html.match(/<script type="module"[^>]* src="\/([^"]+)"/)?.[1];
  expect(entry).toBeDefined();
  document.body.innerHTML = `<div id="root" data-endpoint="${inject("endpoint")}"></div>`;
  await import(/* @vite-ignore */ join(out, entry as string));

  expect(document.getElementById("root")?.dataset.react).toBe("18.3.1");
  const dropzone = await screen.findByRole("button", { name: /drop files here/i });
  // The restrictions come from GET {endpoint}/config.
  await waitFor(() => expect(dropzone).toHaveAccessibleDescription(/image\/\*, up to 1 MB/));
  fireEvent.drop(dropzone, dropData([png("react-18.png")]));
  const link = await screen.findByRole("link", { name: "Open react-18.png" }, { timeout: 10_000 });
  expect(link.getAttribute("href")).toMatch(
    new RegExp(`^${inject("urlEndpoint")}/photos/react-18_[A-Za-z0-9_-]+\\.png$`),
  );
});
