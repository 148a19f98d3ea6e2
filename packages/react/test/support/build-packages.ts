import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/**
 * Global setup: builds what the tests of built output read (size.test.ts: dist/; built-types:
 * the dist of core, server and react), before any test starts, so none reads a dist being
 * rewritten. Under turbo (`pnpm test`), the `test` task already depends on those builds.
 */
export default async function setup() {
  if (process.env.TURBO_HASH) return;
  const root = fileURLToPath(new URL("../../../..", import.meta.url));
  await promisify(execFile)(
    "pnpm",
    [
      ...["exec", "turbo", "run", "build", "--output-logs=errors-only"],
      ...["--filter=@upkit/react", "--filter=@upkit/server"],
    ],
    { cwd: root },
  );
}
