#!/usr/bin/env node
// `pnpm bench [--quick] [--only a,b]`: builds the packages, runs every `bench/<name>/run.mjs` in
// turn (each writes `bench/results/<name>.json`), then `bench/report.mjs` (bench/README.md and
// the charts). A benchmark that fails, or overruns its time, is recorded as failed in its result
// file and the suite goes on with the next one.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { resultHeader, resultsDir, writeResult } from "./lib/write-result.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const benchDir = join(root, "bench");

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    "no-build": { type: "boolean", default: false },
  },
});
/** Per benchmark: a stuck one must not hold up the suite (quick runs take a minute or two). */
const TIMEOUT_MS = (values.quick ? 10 : 60) * 60_000;

const names = readdirSync(benchDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(benchDir, entry.name, "run.mjs")))
  .map((entry) => entry.name)
  .sort();
const only = values.only?.split(",").map((name) => name.trim());
const unknown = only?.filter((name) => !names.includes(name)) ?? [];
if (unknown.length > 0) {
  console.error(
    `bench: no bench/<name>/run.mjs for ${unknown.join(", ")} (have ${names.join(", ")})`,
  );
  process.exit(2);
}
const selected = only ? names.filter((name) => only.includes(name)) : names;

if (!values["no-build"]) {
  // The packages only: benchmarks import their dist, never the demo app.
  const build = spawnSync(
    "pnpm",
    ["exec", "turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"],
    { cwd: root, stdio: "inherit" },
  );
  if (build.status !== 0) {
    console.error("bench: the build failed");
    process.exit(1);
  }
}

const outcomes = [];
for (const name of selected) {
  const started = Date.now();
  console.log(`\n=== ${name}${values.quick ? " (quick)" : ""}`);
  const { code, signal, timedOut } = await runOne(name);
  const seconds = Math.round((Date.now() - started) / 1000);
  const failed = timedOut
    ? `stopped after ${TIMEOUT_MS / 60_000} min`
    : code !== 0
      ? `exited with ${signal ?? `code ${code}`}`
      : fresh(name, started)
        ? undefined
        : `wrote no bench/results/${name}.json`;
  if (failed) recordFailure(name, failed, started);
  outcomes.push({ name, seconds, failed });
  console.log(`=== ${name}: ${failed ? `FAILED (${failed})` : "done"} in ${seconds} s`);
}

const report = spawnSync(process.execPath, [join(benchDir, "report.mjs")], {
  cwd: root,
  stdio: "inherit",
});

console.log("\nbenchmark        result");
for (const { name, seconds, failed } of outcomes) {
  console.log(`${name.padEnd(16)} ${failed ? `FAILED: ${failed}` : "ok"} (${seconds} s)`);
}
process.exitCode = outcomes.some((outcome) => outcome.failed) || report.status !== 0 ? 1 : 0;

function runOne(name) {
  return new Promise((done) => {
    const args = [join(benchDir, name, "run.mjs"), ...(values.quick ? ["--quick"] : [])];
    // Its own process group, so that a timeout ends the servers it started too.
    const child = spawn(process.execPath, args, { cwd: root, stdio: "inherit", detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, "SIGTERM");
      setTimeout(() => killGroup(child, "SIGKILL"), 10_000).unref();
    }, TIMEOUT_MS);
    const stop = () => killGroup(child, "SIGTERM");
    process.once("SIGINT", stop);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      process.off("SIGINT", stop);
      done({ code, signal, timedOut });
    });
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function resultFile(name) {
  return join(resultsDir, `${name}.json`);
}

/** Whether this run wrote the benchmark's result (not one left from an earlier run). */
function fresh(name, since) {
  try {
    return statSync(resultFile(name)).mtimeMs >= since;
  } catch {
    return false;
  }
}

/**
 * Marks the result as failed: what the benchmark wrote in this run is kept (its rows may say
 * what went wrong); an older file is replaced, so the report never shows stale figures as new.
 */
function recordFailure(name, reason, since) {
  let result;
  if (fresh(name, since)) {
    try {
      result = JSON.parse(readFileSync(resultFile(name), "utf8"));
    } catch {
      // unreadable: replaced below
    }
  }
  result ??= { ...resultHeader(name, values.quick), method: "", rows: [] };
  writeResult({ ...result, failed: reason });
}
