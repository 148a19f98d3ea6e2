// Packs every publishable package as `pnpm publish` would (`pnpm pack`: only `files`, the
// `workspace:` ranges rewritten) and checks each tarball as an app receives it:
// - `attw --profile esm-only`: the packages are ESM only on purpose (no `require` condition, so
//   attw's node10 and CommonJS resolutions do not apply); every ESM resolution must find types;
// - no `node_modules/` path (declarations copied from a dependency, as tsdown can inline them);
// - LICENSE, README.md and package.json, and no `workspace:` range left;
// - no file naming this checkout's absolute path (a source map or a declaration from this machine).
// Run after `pnpm build`. Exits non-zero when any check fails.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(join(root, "package.json"));
const attw = join(dirname(require.resolve("@arethetypeswrong/cli/package.json")), "dist/index.js");

// Entry points with no types, on purpose.
const noTypes = { "@upkit/react": ["./styles.css"] };

const packages = [];
for (const dir of await readdir(join(root, "packages"))) {
  const manifest = JSON.parse(await readFile(join(root, "packages", dir, "package.json"), "utf8"));
  if (!manifest.private) packages.push({ dir: join(root, "packages", dir), name: manifest.name });
}

const out = await mkdtemp(join(tmpdir(), "upkit-packages-"));
const problems = [];

async function check({ dir, name }) {
  const fail = (message) => problems.push(`${name}: ${message}`);
  const { stdout } = await run("pnpm", ["pack", "--json", "--pack-destination", out], { cwd: dir });
  const { filename } = JSON.parse(stdout);
  const { stdout: list } = await run("tar", ["-tzf", filename]);
  const files = list.split("\n").filter(Boolean);
  for (const file of files.filter((f) => f.includes("node_modules/"))) fail(`ships ${file}`);
  for (const file of ["package/LICENSE", "package/README.md", "package/package.json"]) {
    if (!files.includes(file)) fail(`has no ${file.slice("package/".length)}`);
  }
  const { stdout: manifest } = await run("tar", ["-xzOf", filename, "package/package.json"]);
  if (manifest.includes('"workspace:')) fail("package.json keeps a workspace: range");
  const { stdout: text } = await run("tar", ["-xzOf", filename], { maxBuffer: 64 * 1024 * 1024 });
  if (text.includes(root)) fail(`a file names this checkout's path (${root})`);

  const exclude = noTypes[name] ? ["--exclude-entrypoints", ...noTypes[name]] : [];
  const args = [attw, filename, "--profile", "esm-only", "--format", "ascii", "--no-color"];
  await run(process.execPath, [...args, ...exclude]).catch((error) => {
    fail(`attw --profile esm-only:\n${error.stdout || error.message}`);
  });
  console.log(`${name}: ${files.length} files, ${filename.split("/").pop()}`);
}

try {
  await Promise.all(packages.map(check));
} finally {
  await rm(out, { recursive: true, force: true });
}
for (const problem of problems) console.error(problem);
console.log(
  problems.length ? `packages: ${problems.length} problem(s)` : `packages: ${packages.length} ok`,
);
process.exit(problems.length ? 1 : 0);
