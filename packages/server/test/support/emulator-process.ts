import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestEmulator } from "./emulator";

export type EmulatorProcess = Pick<TestEmulator, "imagekit" | "api" | "dispose">;

/**
 * The emulator in a child process (its built CLI), for measurements of this process alone: a
 * memory test must not count the emulator's own socket and file buffers.
 */
export async function startEmulatorProcess(
  flags: Record<string, string> = {},
): Promise<EmulatorProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), "upkit-emulator-process-"));
  const cli = join(createRequire(import.meta.url).resolve("@upkit/emulator/package.json"), "..");
  const args = Object.entries({ port: "0", dir: dataDir, ...flags }).flatMap(([k, v]) => [
    `--${k}`,
    v,
  ]);
  const child = spawn(process.execPath, [join(cli, "dist/cli.js"), ...args, "--quiet"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await readyUrl(child);
  const privateKey = "private_emulator_key";
  const auth = `Basic ${Buffer.from(`${privateKey}:`).toString("base64")}`;
  return {
    imagekit: {
      privateKey,
      publicKey: "public_emulator_key",
      urlEndpoint: `${url}/upkit-demo`,
      uploadEndpoint: url,
      apiEndpoint: url,
    },
    async api(path: string, init: RequestInit = {}) {
      const response = await fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: auth, ...init.headers },
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async dispose() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The emulator's URL, once its CLI printed `emulator ready`. */
function readyUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${output}`)), 30_000);
    child.once("exit", (code) => reject(new Error(`emulator exited (${code}): ${output}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
      const url = /ImageKit emulator at (\S+)/.exec(output)?.[1];
      if (url && output.includes("emulator ready")) {
        clearTimeout(timer);
        child.stdout?.resume();
        resolve(url);
      }
    });
  });
}
