// @vitest-environment node
// (esbuild checks that TextEncoder gives this realm's Uint8Array, which jsdom's realm does not.)
import { expect, it } from "vitest";
import { BUDGET_BYTES, measureSize } from "../scripts/size.mjs";

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

it("keeps the <Uploader> entry within its gzipped size budget", async () => {
  const { minified, gzipped, parts } = await measureSize("src/index.ts");
  const detail = Object.entries(parts)
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => `${name} ${kb(bytes)}`)
    .join(", ");
  console.log(`src/index.ts: ${kb(minified)} minified, ${kb(gzipped)} gzipped (${detail})`);
  expect(gzipped, `gzipped; minified by package: ${detail}`).toBeLessThanOrEqual(BUDGET_BYTES);
});

it("leaves React Query out of the main entry, and React external", async () => {
  const { externals } = await measureSize("src/index.ts");
  expect(externals).not.toContainEqual(expect.stringContaining("@tanstack"));
  expect(externals).toEqual(expect.arrayContaining(["react", "react/jsx-runtime"]));
  const query = await measureSize("src/query.ts");
  expect(query.externals).toContain("@tanstack/react-query");
});
