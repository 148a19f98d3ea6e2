// The benchmarks' Next.js app (app/): outside the workspace, installed with npm from its
// committed lockfile, with upkit from `pnpm pack` tarballs of the workspace packages, as a
// user's app gets them. Shared by bench/bundle (its pages' first-load JS) and bench/many-files
// (1,000 files dropped on its /upkit page). Run after `pnpm build`.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packWorkspacePackages } from "../../scripts/pack-workspace-packages.mjs";

export const app = fileURLToPath(new URL("./app/", import.meta.url));
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const baseEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
// The shell's ImageKit keys must not reach the app: the build needs none, and a server gets
// the keys it is meant to use (startBenchApp's `env`).
for (const name of Object.keys(baseEnv)) if (name.startsWith("IMAGEKIT_")) delete baseEnv[name];

/**
 * The app's ImageKit settings for the emulator's well-known keys at `url`. The route needs keys
 * to answer the uploader's config request, which needs no emulator behind it: a route without
 * keys answers 500, and the uploader then loads its error handling, which is no first-load JS.
 */
export function imagekitEnv(url = "http://localhost:4500") {
  return {
    IMAGEKIT_PRIVATE_KEY: "private_emulator_key",
    IMAGEKIT_PUBLIC_KEY: "public_emulator_key",
    IMAGEKIT_URL_ENDPOINT: `${url}/upkit-demo`,
    IMAGEKIT_UPLOAD_ENDPOINT: url,
    IMAGEKIT_API_ENDPOINT: url,
  };
}

/** Runs a command in the app; resolves its output, or rejects with the output's tail. */
export function run(command, args, { env = baseEnv, hint = "" } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (data) => {
      output += data;
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else {
        const tail = output.trim().split("\n").slice(-40).join("\n");
        reject(new Error(`${command} ${args.join(" ")} exited ${code}\n${tail}${hint}`));
      }
    });
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Packs @upkit/core, react and server into app/packs and installs the app: `npm ci`, or with
 * `reuse` and an installed app, only the fresh tarballs unpacked over node_modules/@upkit.
 * Resolves how it installed.
 */
export async function installBenchApp({ reuse = false } = {}) {
  const packs = join(app, "packs");
  rmSync(packs, { recursive: true, force: true });
  const tarballs = await packWorkspacePackages(["core", "react", "server"], packs);
  const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
  for (const [pkg, file] of Object.entries(tarballs)) {
    if (manifest.dependencies[`@upkit/${pkg}`] !== `file:packs/${file}`) {
      throw new Error(`app/package.json must depend on @upkit/${pkg} as file:packs/${file}`);
    }
  }
  if (reuse && existsSync(join(app, "node_modules/.package-lock.json"))) {
    for (const [pkg, file] of Object.entries(tarballs)) {
      const target = join(app, "node_modules/@upkit", pkg);
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target, { recursive: true });
      await run("tar", ["-xzf", join(packs, file), "-C", target, "--strip-components=1"]);
    }
    return "reused app/node_modules; @upkit packages unpacked from fresh tarballs";
  }
  // The lockfile pins every other package; its @upkit entries carry no integrity, since the
  // tarballs change with the workspace's code.
  await run("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    hint: "\n(if the @upkit packages' dependencies changed: `npm install` in bench/bundle/app, then delete the integrity of its @upkit lockfile entries)",
  });
  return "npm ci";
}

/** `next build`, from an empty .next. */
export async function buildBenchApp() {
  rmSync(join(app, ".next"), { recursive: true, force: true });
  await run("node_modules/.bin/next", ["build"]);
}

/**
 * `next start` on 127.0.0.1:`port` (a free one by default), in its own process group; resolves
 * `{ url, stop }` once `/empty` answers.
 */
export async function startBenchApp({ port, env = {} } = {}) {
  const chosen = port ?? (await freePort());
  const server = spawn(
    "node_modules/.bin/next",
    ["start", "-p", String(chosen), "-H", "127.0.0.1"],
    { cwd: app, env: { ...baseEnv, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (data) => {
    output += data;
  };
  server.stdout.on("data", keep);
  server.stderr.on("data", keep);
  const stop = () => {
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {}
  };
  process.once("exit", stop);
  const url = `http://127.0.0.1:${chosen}`;
  for (let tries = 0; ; tries++) {
    const ok = await fetch(`${url}/empty`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (tries > 150 || server.exitCode !== null) {
      stop();
      throw new Error(`next start did not come up:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, stop, output: () => output };
}

/** Playwright's Chromium driver, from the app's node_modules (Debian's Chromium binary). */
export async function launchChromium() {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (CHROMIUM_PATH)`);
  const { chromium } = createRequire(join(app, "package.json"))("playwright-core");
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--disable-gpu", "--disable-quic"],
  });
}
