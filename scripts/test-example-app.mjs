#!/usr/bin/env node
// examples/next-app as a user's app gets it: the packages packed (`pnpm pack`, only what npm
// would ship) and installed with npm, type-checked, built with `next build` with no ImageKit
// keys, then run with `next start` against the packed emulator and driven in Chromium
// (e2e/*.spec.ts: uploads, and what <Uploader> adds to a page's first-load JavaScript).
// Also checks that the root README's "Use it in your app" snippets are the example's files.
//
// The app is built in a copy outside the checkout (a user's app has no pnpm workspace around
// it), kept between runs with its node_modules so that npm reinstalls only what changed; from
// an empty copy with npm's cache warm, the whole run takes 1.5 to 2 minutes on 2 cores. Reports
// go to examples/next-app/reports: checks.json (the steps) and e2e.json (Playwright), which
// scripts/test-summary.mjs counts, and first-load-js.json. Run after `pnpm build`. Exits
// non-zero when anything failed.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { packWorkspacePackages } from "./pack-workspace-packages.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const example = join(root, "examples/next-app");
const reports = join(example, "reports");
// One per checkout, so that two checkouts on a machine never share it.
const checkout = createHash("sha256").update(root).digest("hex").slice(0, 8);
const work = join(tmpdir(), `upkit-example-next-app-${checkout}`);
const packs = join(work, "packs");
const logs = join(work, "logs");
const packages = ["core", "react", "server", "emulator"];
/** The packed tarballs' file names in `packs`, by package. */
const tarballs = {};
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const started = Date.now();

/** The environment without any ImageKit setting: the app must get its keys from .env.local. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !name.startsWith("IMAGEKIT_") && !name.startsWith("EMULATOR_"),
  ),
);
cleanEnv.NEXT_TELEMETRY_DISABLED = "1";
cleanEnv.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";
cleanEnv.npm_config_nodedir ??= "/usr"; // better-sqlite3 builds against the system's headers

const checks = [];
const servers = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs one step as a check: its outcome lands in checks.json; a failure stops the run. */
async function check(name, fn) {
  const start = Date.now();
  console.log(`--- ${name}`);
  try {
    const detail = await fn();
    checks.push({ name, status: "passed", durationMs: Date.now() - start, ...detail });
    console.log(`    ok (${seconds(Date.now() - start)})`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    checks.push({ name, status: "failed", durationMs: Date.now() - start, error: message });
    console.log(`    FAILED (${seconds(Date.now() - start)}): ${message}`);
    throw error;
  }
}

/**
 * Runs a command; resolves its stdout. Its output goes to logs/<log>.log, and the output's tail
 * into the error when it fails.
 */
function run(command, args, { cwd = work, env = cleanEnv, log } = {}) {
  const file = join(logs, `${log ?? basename(command)}.log`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (data) => {
      stdout += data.toString();
      output += data.toString();
    });
    child.stderr.on("data", (data) => {
      output += data.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      writeFileSync(file, output);
      if (code === 0) resolve(stdout);
      else {
        const tail = output.trim().split("\n").slice(-40).join("\n");
        reject(new Error(`${command} ${args.join(" ")} exited ${code} (log: ${file})\n${tail}`));
      }
    });
  });
}

/** Starts a server in its own process group (stopped with everything it started). */
function startServer(name, command, args, { env = cleanEnv } = {}) {
  const child = spawn(command, args, {
    cwd: work,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const server = { name, child, output: "" };
  const keep = (data) => {
    server.output += data.toString();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  servers.push(server);
  return server;
}

function stopServers() {
  for (const { child, name, output } of servers) {
    writeFileSync(join(logs, `${name}.log`), output);
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }
  }
}

/**
 * Polls until `condition()` is truthy, or fails with `what` and the server's output (at once
 * when the server exits or `condition` throws).
 */
async function waitFor(what, server, condition, timeoutMs = 60_000) {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const value = await condition().catch((error) => {
      throw new Error(`${what}: ${error.message}:\n${server.output.slice(-3000)}`);
    });
    if (value) return value;
    if (server.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`${what}: ${server.name} did not come up:\n${server.output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/** The fenced blocks of the README's "Use it in your app" that name a file on their first line. */
function readmeSnippets() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = /^## Use it in your app\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Use it in your app" section');
  const snippets = [];
  for (const [, body] of section.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)) {
    const path = /^(?:\/\/|#) ([\w.[\]/-]+\.(?:tsx?|local|json|mjs))(?=[:\s]|$)/.exec(body)?.[1];
    if (path) snippets.push({ path, body });
  }
  return snippets;
}

/**
 * better-sqlite3 (the emulator's database) installs a prebuilt binary that prebuild-install
 * downloads from GitHub; where that download cannot work (as on these machines) it compiles
 * SQLite from source, 1.5 to 3 minutes on 2 cores. The workspace's install compiled it for this
 * Node.js already: handed to prebuild-install as a local prebuild (its
 * `npm_config_<package>_local_prebuilds` setting; the tarball is laid out and named as a
 * download, version and ABI included), it is unpacked instead. When npm picks another version,
 * the name does not match and it compiles as it would.
 */
async function localSqlitePrebuild() {
  const built = join(root, "packages/emulator/node_modules/better-sqlite3");
  const binary = "build/Release/better_sqlite3.node";
  if (!existsSync(join(built, binary))) return {};
  const { version } = readJson(join(built, "package.json"));
  const dir = join(work, "prebuilds");
  mkdirSync(dir, { recursive: true });
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await run("tar", ["-czf", join(dir, name), "-C", built, binary], { log: "sqlite-prebuild" });
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

async function main() {
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  mkdirSync(logs, { recursive: true });
  console.log(`example app: ${relative(root, example)}, built in ${work}`);

  await check("the README's snippets are the example's files", () => {
    const snippets = readmeSnippets();
    if (snippets.length < 8) throw new Error(`only ${snippets.length} file snippets found`);
    const differ = snippets.filter(({ path, body }) => {
      const file = join(example, path);
      return !existsSync(file) || readFileSync(file, "utf8") !== body;
    });
    if (differ.length > 0) {
      throw new Error(`not the example's files: ${differ.map(({ path }) => path).join(", ")}`);
    }
    return { files: snippets.map(({ path }) => path) };
  });

  await check("pnpm pack core, react, server, emulator", async () => {
    rmSync(packs, { recursive: true, force: true });
    Object.assign(tarballs, await packWorkspacePackages(packages, packs));
    return { tarballs: Object.values(tarballs) };
  });

  await check("npm install from the packed packages", async () => {
    // A fresh copy of the sources, next to the kept node_modules and lockfile. .env.local
    // comes after the build: the build must need no keys.
    const kept = new Set(["node_modules", "package-lock.json", "packs", "prebuilds", "logs"]);
    for (const entry of readdirSync(work)) {
      if (!kept.has(entry)) rmSync(join(work, entry), { recursive: true, force: true });
    }
    const generated = new Set([
      ...kept,
      ".next",
      ".upkit-emulator",
      ".env.local",
      "next-env.d.ts",
      "reports",
      "test-results",
      "tsconfig.tsbuildinfo",
    ]);
    cpSync(example, work, {
      recursive: true,
      filter: (source) => !generated.has(relative(example, source).split("/")[0] ?? ""),
    });
    // The @upkit packages from their tarballs (@upkit/core too, which react and server depend
    // on), never from the registry; everything else from npm, its cache first.
    const manifest = readJson(join(example, "package.json"));
    const tarball = (pkg) => `file:packs/${tarballs[pkg]}`;
    for (const deps of [manifest.dependencies, manifest.devDependencies]) {
      for (const name of Object.keys(deps)) {
        if (name.startsWith("@upkit/")) deps[name] = tarball(name.slice("@upkit/".length));
      }
    }
    manifest.dependencies["@upkit/core"] = tarball("core");
    writeJson(join(work, "package.json"), manifest);
    // npm keeps a file: tarball it has installed even when its bytes changed: forget them.
    rmSync(join(work, "node_modules/@upkit"), { recursive: true, force: true });
    rmSync(join(work, "node_modules/.package-lock.json"), { force: true });
    const lockfile = join(work, "package-lock.json");
    if (existsSync(lockfile)) {
      const lock = readJson(lockfile);
      for (const key of Object.keys(lock.packages ?? {})) {
        if (key.includes("node_modules/@upkit/")) delete lock.packages[key];
      }
      writeJson(lockfile, lock);
    }
    await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
      { env: { ...cleanEnv, ...(await localSqlitePrebuild()) }, log: "npm-install" },
    );
    const lock = readJson(lockfile);
    const upkit = Object.entries(lock.packages).filter(([key]) =>
      key.includes("node_modules/@upkit/"),
    );
    const fromRegistry = upkit.filter(([, entry]) => !entry.resolved?.startsWith("file:"));
    if (fromRegistry.length > 0 || upkit.length !== packages.length) {
      throw new Error(
        `@upkit packages not (only) from the tarballs: ${upkit.map(([key, entry]) => `${key} ${entry.resolved ?? "registry"}`).join(", ")}`,
      );
    }
    return { upkit: upkit.map(([key, entry]) => `${key} ${entry.resolved}`) };
  });

  await check("tsc --noEmit", async () => {
    // next-env.d.ts and the route types, which `next dev` / `next build` would write first.
    await run("node_modules/.bin/next", ["typegen"], { log: "next-typegen" });
    await run("node_modules/.bin/tsc", ["--noEmit"], { log: "tsc" });
  });

  await check("next build, with no ImageKit keys", async () => {
    await run("node_modules/.bin/next", ["build"], { log: "next-build" });
  });

  if (!existsSync(chromium)) {
    // Playwright's own browser download cannot work here; Debian's Chromium does.
    await check("install Chromium", async () => {
      await run("apt-get", ["update", "-qq"], { log: "apt-get-update" });
      await run(
        "apt-get",
        ["install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-liberation"],
        {
          env: { ...cleanEnv, DEBIAN_FRONTEND: "noninteractive" },
          log: "apt-get-install",
        },
      );
    });
  }

  let emulatorUrl;
  let appUrl;
  await check("the packed emulator and next start, with the README's .env.local", async () => {
    const emulator = startServer("emulator", "node_modules/.bin/upkit-emulator", [
      "--port",
      "0",
      "--dir",
      ".upkit-emulator",
      "--quiet",
    ]);
    const port = await waitFor(
      "emulator",
      emulator,
      async () =>
        emulator.output.includes("emulator ready") &&
        /emulator at http:\/\/[^:]+:(\d+)/.exec(emulator.output)?.[1],
      30_000,
    );
    emulatorUrl = `http://localhost:${port}`;
    // The example's .env.local, on the emulator's port instead of the default 4500.
    const env = readFileSync(join(example, ".env.local"), "utf8");
    if (env.match(/localhost:4500/g)?.length !== 3)
      throw new Error(".env.local: expected 3 URLs on localhost:4500");
    writeFileSync(join(work, ".env.local"), env.replaceAll("localhost:4500", `localhost:${port}`));
    const appPort = await freePort();
    appUrl = `http://localhost:${appPort}`;
    const app = startServer("next-start", "node_modules/.bin/next", [
      "start",
      "-p",
      String(appPort),
    ]);
    // The route answers (a 500 here is a key the handler or checkConfig() refused).
    await waitFor("next start", app, async () => {
      const response = await fetch(`${appUrl}/api/upload/config`).catch(() => undefined);
      if (response && response.status !== 200) {
        throw new Error(`GET /api/upload/config: ${response.status} ${await response.text()}`);
      }
      return response !== undefined;
    });
    return { emulatorUrl, appUrl };
  });

  console.log("--- Chromium (e2e/*.spec.ts)");
  const e2eStart = Date.now();
  const playwright = await run("node_modules/.bin/playwright", ["test"], {
    env: {
      ...cleanEnv,
      EXAMPLE_URL: appUrl,
      EXAMPLE_EMULATOR_URL: emulatorUrl,
      EXAMPLE_PRIVATE_KEY: "private_emulator_key",
      EXAMPLE_REPORT: join(reports, "e2e.json"),
      EXAMPLE_SIZE_REPORT: join(reports, "first-load-js.json"),
      EXAMPLE_RESULTS_DIR: join(example, "test-results"),
    },
    log: "playwright",
  }).then(
    () => true,
    () => false,
  );
  console.log(readFileSync(join(logs, "playwright.log"), "utf8").trim());
  console.log(`    ${playwright ? "ok" : "FAILED"} (${seconds(Date.now() - e2eStart)})`);
  if (!playwright) process.exitCode = 1;
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopServers();
    process.exit(1);
  });
}

let failed = false;
try {
  await main();
} catch {
  failed = true;
} finally {
  stopServers();
  writeJson(join(reports, "checks.json"), { checks });
  const size = join(reports, "first-load-js.json");
  if (existsSync(size)) {
    const report = readJson(size);
    const bytes = (n) => `${n} B (${(n / 1024).toFixed(1)} KB)`;
    const chunks = report.onlyOnUploaderPage.map((script) => `${script.gzipped} B`).join(" + ");
    console.log(
      [
        `first-load JS that <Uploader> adds to a page (/ minus /empty, same build):`,
        `  ${bytes(report.addedGzippedBytes)} gzipped chunk by chunk (${chunks}), budget ${bytes(report.budgetBytes)}`,
        `  ${bytes(report.addedTransferredBytes)} as next start sent it; ${bytes(report.onlyOnUploaderPageGzippedTogetherBytes)} gzipped as one file`,
      ].join("\n"),
    );
  }
  console.log(`example app: ${seconds(Date.now() - started)} in all; logs in ${logs}`);
}
if (failed) process.exitCode = 1;
