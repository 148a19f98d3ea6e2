// Packs workspace packages as npm would publish them (`pnpm pack`: only the files listed in
// `files`, `workspace:` ranges rewritten to versions), for apps outside the workspace that
// install them the way a user's app does. Run after `pnpm build`: a tarball without
// dist/index.js is refused.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function pack(pkg, destination) {
  return new Promise((resolve, reject) => {
    const child = spawn("pnpm", ["pack", "--json", "--pack-destination", destination], {
      cwd: join(root, "packages", pkg),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data) => {
      stdout += data;
    });
    child.stderr.on("data", (data) => {
      stderr += data;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`pnpm pack in packages/${pkg} exited ${code}\n${stdout}${stderr}`));
    });
  });
}

/**
 * Packs `packages/<name>` for each name into `destination`; resolves the tarballs' file names
 * by package name (`{ core: "upkit-core-0.1.0.tgz", ... }`).
 */
export async function packWorkspacePackages(packages, to) {
  const destination = resolve(to);
  mkdirSync(destination, { recursive: true });
  const tarballs = {};
  await Promise.all(
    packages.map(async (pkg) => {
      const output = await pack(pkg, destination);
      const { filename, files } = JSON.parse(output.slice(output.indexOf("{")));
      if (!files.some((file) => file.path === "dist/index.js")) {
        throw new Error(`@upkit/${pkg}'s tarball has no dist/index.js: run pnpm build first`);
      }
      tarballs[pkg] = basename(filename);
    }),
  );
  return tarballs;
}
