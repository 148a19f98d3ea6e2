// The result file every benchmark writes: bench/results/<name>.json, with the run's context
// (commit, Node.js, CPUs) so that figures from different machines are never compared blindly.
import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const results = fileURLToPath(new URL("../results", import.meta.url));

function commit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: results,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
}

function cpuSummary() {
  const list = cpus();
  // "AMD EPYC 7B13 ..." -> the model as the OS names it, without its trailing padding.
  const model = list[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown";
  return `${list.length} x ${model}`;
}

/**
 * JSON as the repository's formatter (Biome) writes it: an array of scalars, or of such arrays,
 * on one line when that line fits in 100 characters (inner arrays first).
 */
export function formatJson(value) {
  const scalar = String.raw`-?[\d.e+]+|"(?:[^"\\]|\\.)*"|true|false|null`;
  const item = `(?:${scalar}|\\[[^\\[\\]\\n]*\\])`;
  const array = new RegExp(String.raw`^( *)("[^"]*": )?\[\n((?: *${item},?\n)+) *\]`, "gm");
  let text = JSON.stringify(value, null, 2);
  for (let previous = ""; previous !== text; ) {
    previous = text;
    text = text.replace(array, (whole, indent, key = "", items) => {
      const line = `${indent}${key}[${items
        .trim()
        .split(/,?\n */)
        .join(", ")}]`;
      return line.length <= 100 ? line : whole;
    });
  }
  return `${text}\n`;
}

/**
 * Writes bench/results/<benchmark>.json (through a temporary file, so a reader never sees half
 * of it). `rows` items: { measure, value, unit, goal, met, detail }; `met` is null without a goal.
 */
export function writeResult({ benchmark, quick, method, rows, series, ...extra }) {
  mkdirSync(results, { recursive: true });
  const file = join(results, `${benchmark}.json`);
  const result = {
    benchmark,
    date: new Date().toISOString(),
    commit: commit(),
    node: process.version,
    cpus: cpuSummary(),
    quick,
    method,
    rows,
    series,
    ...extra,
  };
  writeFileSync(`${file}.tmp`, formatJson(result));
  renameSync(`${file}.tmp`, file);
  return file;
}
