// The result contract every benchmark follows: `bench/results/<name>.json`, overwritten by each
// run, read by `bench/report.mjs`. See bench/README.md ("Writing a benchmark").
import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The directory results are written to. */
export const resultsDir = join(root, "bench", "results");

/** `<short sha>`, with `+dirty` when the packages' sources have uncommitted changes. */
export function currentCommit() {
  const git = (...args) => {
    try {
      return execFileSync("git", ["-C", root, ...args], { stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim();
    } catch {
      return undefined;
    }
  };
  const sha = git("rev-parse", "--short", "HEAD") ?? "unknown";
  return git("status", "--porcelain", "--", "packages") ? `${sha}+dirty` : sha;
}

/** The fields every result starts with. */
export function resultHeader(benchmark, quick) {
  return {
    benchmark,
    date: new Date().toISOString(),
    commit: currentCommit(),
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model?.trim() ?? "?"}`,
    quick: Boolean(quick),
  };
}

/**
 * One row: `met` is computed from `goal` ("≥ 0.75", "≤ 1.5", "< 64") unless given; null when
 * there is no goal or no value.
 */
export function row(measure, value, unit, goal, detail, met) {
  return {
    measure,
    value,
    unit,
    ...(goal === undefined ? {} : { goal }),
    met: met !== undefined ? met : goal === undefined ? null : meetsGoal(value, goal),
    ...(detail === undefined ? {} : { detail }),
  };
}

/** Whether `value` meets a goal written as an operator and a number; null when unreadable. */
export function meetsGoal(value, goal) {
  const match = /^\s*(≥|>=|≤|<=|<|>|=)\s*(-?[\d.]+)/.exec(goal);
  if (!match || typeof value !== "number" || !Number.isFinite(value)) return null;
  const bound = Number(match[2]);
  switch (match[1]) {
    case "≥":
    case ">=":
      return value >= bound;
    case "≤":
    case "<=":
      return value <= bound;
    case "<":
      return value < bound;
    case ">":
      return value > bound;
    default:
      return value === bound;
  }
}

/**
 * Writes `bench/results/<benchmark>.json` (atomically: a reader never sees half a file). A result
 * without the header fields (`date`, `commit`, …) gets them from `resultHeader`.
 */
export function writeResult(given, file = join(resultsDir, `${given.benchmark}.json`)) {
  const result =
    given.date === undefined ? { ...resultHeader(given.benchmark, given.quick), ...given } : given;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${formatJson(result)}\n`);
  renameSync(`${file}.tmp`, file);
  formatWithBiome(file);
  return file;
}

/** Prints a result's rows, one a line, each with its goal and whether it is met. */
export function printRows(rows) {
  for (const r of rows) {
    const verdict = r.met === null ? "" : r.met ? "  met" : "  NOT met";
    console.log(
      `${r.measure}: ${r.value} ${r.unit}${r.goal ? ` (goal ${r.goal})` : ""}${verdict}  [${r.detail}]`,
    );
  }
}

/**
 * The repository's formatter has the last word (its JSON layout of nested arrays is its own), so
 * a fresh result never fails `pnpm lint`. Without it the file stays as `formatJson` wrote it.
 */
export function formatWithBiome(...files) {
  try {
    execFileSync(join(root, "node_modules", ".bin", "biome"), ["format", "--write", ...files], {
      cwd: root,
      stdio: "ignore",
    });
  } catch {
    // not installed, or it refused: the file is valid JSON all the same
  }
}

/** JSON as the repository's formatter (Biome) writes it: short arrays of scalars on one line. */
export function formatJson(value) {
  return JSON.stringify(value, null, 2).replace(
    /^( *)("[^"]*": )?\[\n((?: *(?:-?[\d.e+]+|"(?:[^"\\]|\\.)*"|true|false|null),?\n)+) *\]/gm,
    (whole, indent, key = "", items) => {
      const line = `${indent}${key}[${items
        .trim()
        .split(/,?\n */)
        .join(", ")}]`;
      return line.length <= 100 ? line : whole;
    },
  );
}
