// Starts a Node process and waits for the line that says it serves.
import { spawn } from "node:child_process";

const children = new Set();
const killAll = () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
};
process.once("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Kills every process started here (also done on exit and on SIGINT / SIGTERM). */
export const stopProcesses = killAll;

/**
 * Spawns `node ...args`; resolves with `{ child, pid, url }` once stdout matches `banner`, whose
 * first group is the URL. Rejects when it exits or is silent for 30 s.
 */
export function startProcess(args, banner, options = {}) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  children.add(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const fail = (error) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")}: ${error.message}\n${out}\n${err}`));
    };
    const timer = setTimeout(() => fail(new Error("did not start in 30 s")), 30_000);
    child.stderr.on("data", (chunk) => {
      err += chunk;
      // Keep only the tail: a server that logs keeps running for minutes.
      if (err.length > 64 * 1024) err = err.slice(-16 * 1024);
    });
    child.stdout.on("data", (chunk) => {
      if (out === undefined) return;
      out += chunk;
      const url = banner.exec(out)?.[1];
      if (!url) return;
      clearTimeout(timer);
      out = undefined;
      resolve({ child, pid: child.pid, url: new URL(url), stderr: () => err });
    });
    child.once("error", fail);
    child.once("exit", (code, signal) => fail(new Error(`exited (${code ?? signal})`)));
  });
}
