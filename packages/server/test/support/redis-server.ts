import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A real `redis-server` in a child process, on its own port, persisting nothing. */
export interface TestRedisServer {
  port: number;
  /** `redis://127.0.0.1:{port}` (with the password when started with one). */
  url: string;
  /** Kills it (SIGKILL, as a crash: no shutdown) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port: empty, or with its data when started with `persistIn`. */
  start(): Promise<void>;
  /** Stops it for good. */
  dispose(): Promise<void>;
}

/** `redis-server` on PATH, else Debian's `/usr/bin/redis-server` (`scripts/test` installs it). */
export function findRedisServer(): string {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const dir of [...dirs, "/usr/bin", "/usr/local/bin"]) {
    const path = join(dir, "redis-server");
    if (existsSync(path)) return path;
  }
  throw new Error("redis-server not found (apt-get install redis-server)");
}

export interface RedisServerOptions {
  password?: string;
  /**
   * Keep the data across `stop()` / `start()` (a crash and a restart): an append-only file in
   * this directory, written before each command is answered (`appendfsync always`). Without it
   * Redis persists nothing and starts again empty.
   */
  persistIn?: string;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<TestRedisServer> {
  const binary = findRedisServer();
  let child: ChildProcess | undefined;
  let port = 0;
  const launch = async (onPort: number) => {
    const args = [
      "--port",
      String(onPort),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      ...(options.persistIn
        ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", options.persistIn]
        : ["--appendonly", "no", "--dir", tmpdir()]),
      ...(options.password ? ["--requirepass", options.password] : []),
    ];
    child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    await ready(child);
  };
  // A free port now may be taken by the time Redis binds it: try a few.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await launch(port);
      break;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    stop,
    async start() {
      if (child) throw new Error("redis-server is running");
      await launch(port);
    },
    dispose: stop,
  };
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => fail(new Error(`redis-server did not start: ${output}`)),
      10_000,
    );
    const onExit = (code: number | null) =>
      fail(new Error(`redis-server exited (${code}): ${output}`));
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) {
        done();
        resolve();
      }
    };
    const done = () => {
      clearTimeout(timer);
      child.off("exit", onExit);
      child.stdout?.off("data", onData);
      // Keep draining: a full pipe would block Redis's logging.
      child.stdout?.resume();
      child.stderr?.resume();
    };
    const fail = (error: Error) => {
      done();
      child.kill("SIGKILL");
      reject(error);
    };
    child.once("exit", onExit);
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk;
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
