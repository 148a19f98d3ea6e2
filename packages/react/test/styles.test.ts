import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

// Without comments, which would read as part of the declaration after them.
const css = readFileSync(join(import.meta.dirname, "../src/styles.css"), "utf8").replace(
  /\/\*[\s\S]*?\*\//g,
  "",
);

/** The declarations of the rule whose selector is exactly `selector`. */
function declarations(selector: string): Record<string, string> {
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const body = new RegExp(`(?:^|\\n)${escaped}\\s*\\{([^}]*)\\}`).exec(css)?.[1];
  if (body === undefined) throw new Error(`no rule for ${selector}`);
  return Object.fromEntries(
    body
      .split(";")
      .map((line) => line.trim().split(/\s*:\s*/))
      .filter(([name, value]) => name && value)
      .map(([name, value]) => [name, value]),
  );
}

// A grid or flex list sizes its tracks over every row: with 1,000 rows, each change of one row
// laid the whole list out again, tens of ms a frame in Chromium (bench/many-files).
it("lays the file list out in block flow, so a row that changes is laid out alone", () => {
  const list = declarations(':where([data-scope="upkit"][data-part="file-list"])');
  expect(list.display).toBe("block");
  const spacing = declarations(':where([data-scope="upkit"][data-part="file-list"] > * + *)');
  expect(spacing["margin-top"]).toBe("0.5rem");
  // Rows off screen are still skipped.
  const row = declarations(':where([data-scope="upkit"][data-part="file-item"])');
  expect(row["content-visibility"]).toBe("auto");
});
