// @vitest-environment node
import { expect, it } from "vitest";
import { BUDGET_BYTES, measureSize } from "../scripts/size.mjs";

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

it("keeps what <Uploader> adds to a page up front within its gzipped size budget", async () => {
  const { minified, gzipped, parts, lazy } = await measureSize();
  const detail = Object.entries(parts)
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => `${name} ${kb(bytes)}`)
    .join(", ");
  console.log(
    `import { Uploader }: ${kb(minified)} minified, ${kb(gzipped)} gzipped up front ` +
      `(${detail}); ${kb(lazy.gzipped)} gzipped loaded lazily`,
  );
  expect(gzipped, `gzipped; by package before minifying: ${detail}`).toBeLessThanOrEqual(
    BUDGET_BYTES,
  );
});

it("loads the file parts, the engine's queue and transports and tus-js-client lazily, and no zod", async () => {
  const { modules, lazy } = await measureSize();
  expect(modules).toContainEqual(expect.stringMatching(/react\/dist\/parts\/dropzone\.js$/));
  for (const lazyModule of [
    /parts\/file-list\.js$/,
    // The windowed list and its virtualizer load once a list passes 100 files.
    /parts\/windowed-file-list\.js$/,
    /node_modules\/@tanstack\/(react-virtual|virtual-core)\//,
    /engine\/upload-queue\.js$/,
    /(direct|proxy|tus)-transport\.js$/,
    // tus-js-client (about 16.5 KB gzipped) loads with the first tus upload only.
    /node_modules\/tus-js-client\//,
  ]) {
    expect(modules).not.toContainEqual(expect.stringMatching(lazyModule));
  }
  expect(lazy.gzipped).toBeGreaterThan(0);
  // The server's zod schemas are exported by @upkit/core too; they never reach the browser.
  expect(modules).not.toContainEqual(expect.stringContaining("node_modules/zod"));
});

it("leaves React Query out of the main entry, and React external", async () => {
  const { externals } = await measureSize();
  expect(externals).not.toContainEqual(expect.stringContaining("@tanstack"));
  expect(externals).toEqual(expect.arrayContaining(["react", "react/jsx-runtime"]));
  const query = await measureSize("dist/query.js", ["uploadMutationOptions"]);
  expect(query.externals).toContain("@tanstack/react-query");
});
