/**
 * Plan presets: ImageKit's upload limits per plan (`@imagekit/nodejs` 7.11 `files.upload`: free
 * 25 MB / 100 MB video, Lite 40 MB / 300 MB, Pro 50 MB / 2 GB), read as SI megabytes, with
 * `maxFileSize` / `maxVideoSize` overriding them; through the options, the environment and the
 * CLI, and enforced over HTTP.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLANS, resolveOptions } from "../../src/options";
import { buildMp4 } from "../media/fixtures";
import { blob } from "../support/images";
import { startEmulator, upload } from "../support/start-emulator";

const TOO_LARGE = "Your request contains invalid file parameter. The file size exceeds limits.";

describe("resolveOptions", () => {
  const limits = (options: Parameters<typeof resolveOptions>[0], env = {}) => {
    const { plan, maxFileSize, maxVideoSize } = resolveOptions(options, env);
    return { plan, maxFileSize, maxVideoSize };
  };

  it("the plans, in bytes (1 MB = 1,000,000)", () => {
    expect(PLANS).toEqual({
      free: { maxFileSize: 25_000_000, maxVideoSize: 100_000_000 },
      lite: { maxFileSize: 40_000_000, maxVideoSize: 300_000_000 },
      pro: { maxFileSize: 50_000_000, maxVideoSize: 2_000_000_000 },
    });
  });

  it("defaults to lite", () => {
    expect(limits({})).toEqual({
      plan: "lite",
      maxFileSize: 40_000_000,
      maxVideoSize: 300_000_000,
    });
  });

  it("takes the plan from the option, else EMULATOR_PLAN", () => {
    expect(limits({ plan: "free" })).toEqual({
      plan: "free",
      maxFileSize: 25_000_000,
      maxVideoSize: 100_000_000,
    });
    expect(limits({}, { EMULATOR_PLAN: "pro" })).toMatchObject({ plan: "pro", maxVideoSize: 2e9 });
    expect(limits({ plan: "free" }, { EMULATOR_PLAN: "pro" })).toMatchObject({ plan: "free" });
  });

  it("an explicit limit (option or variable) overrides the plan's, one by one", () => {
    expect(limits({ plan: "free", maxVideoSize: 500_000_000 })).toEqual({
      plan: "free",
      maxFileSize: 25_000_000,
      maxVideoSize: 500_000_000,
    });
    expect(limits({ plan: "pro" }, { EMULATOR_MAX_FILE_SIZE: "1000" })).toEqual({
      plan: "pro",
      maxFileSize: 1000,
      maxVideoSize: 2_000_000_000,
    });
    expect(limits({ maxFileSize: 7 }, { EMULATOR_MAX_FILE_SIZE: "1000" })).toMatchObject({
      maxFileSize: 7,
    });
  });

  it("refuses an unknown plan and a size that is no byte count", () => {
    expect(() => resolveOptions({ plan: "enterprise" as never }, {})).toThrow(
      "Invalid emulator plan: enterprise (expected free, lite, pro)",
    );
    expect(() => resolveOptions({}, { EMULATOR_PLAN: "gold" })).toThrow(/Invalid emulator plan/);
    expect(() => resolveOptions({}, { EMULATOR_MAX_VIDEO_SIZE: "300MB" })).toThrow(
      "Invalid emulator maxVideoSize: NaN (expected a number of bytes)",
    );
  });
});

describe("over HTTP", () => {
  it("each limit is enforced at its exact byte count; the emulator reports what is in force", async () => {
    const mp4 = buildMp4();
    const emulator = await startEmulator({
      plan: "free",
      maxFileSize: 1000,
      maxVideoSize: mp4.length,
    });
    try {
      expect(emulator.limits).toEqual({
        plan: "free",
        maxFileSize: 1000,
        maxVideoSize: mp4.length,
      });
      const atLimit = await upload(emulator, { file: blob(Buffer.alloc(1000)), fileName: "a.bin" });
      expect(atLimit.status).toBe(200);
      const over = await upload(emulator, { file: blob(Buffer.alloc(1001)), fileName: "b.bin" });
      expect(over.status).toBe(400);
      expect(over.body.message).toBe(TOO_LARGE);
      // A video is measured against the video limit, far above maxFileSize here.
      const video = await upload(emulator, { file: blob(mp4), fileName: "clip.mp4" });
      expect(video.status).toBe(200);
      const longer = Buffer.concat([mp4, Buffer.alloc(1)]);
      const overVideo = await upload(emulator, { file: blob(longer), fileName: "clip.mp4" });
      expect(overVideo.status).toBe(400);
      expect(overVideo.body.message).toBe(TOO_LARGE);
    } finally {
      await emulator.dispose();
    }
  });

  it("the default is lite: 40 MB per file, 300 MB per video (the demo's 300 MB videos fit)", async () => {
    const emulator = await startEmulator();
    try {
      expect(emulator.limits).toEqual({
        plan: "lite",
        maxFileSize: 40_000_000,
        maxVideoSize: 300_000_000,
      });
    } finally {
      await emulator.dispose();
    }
  });
});

describe("the CLI", () => {
  it("--plan free with --max-video-size: the limits line, and the limits enforced", async () => {
    const dir = await mkdtemp(join(tmpdir(), "upkit-emulator-plan-"));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(EMULATOR_|IMAGEKIT_)/.test(key)),
    );
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli.ts",
        "--port",
        "0",
        "--dir",
        dir,
        "--quiet",
        "--plan",
        "free",
        "--max-video-size",
        "2000000000",
      ],
      { cwd: join(import.meta.dirname, "../.."), env, stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      let stdout = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
      });
      const deadline = Date.now() + 20_000;
      while (!/^emulator ready$/m.test(stdout) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stdout).toContain("  limits         free plan: 25 MB per file, 2 GB per video\n");
      const base = /^ImageKit emulator at (\S+)$/m.exec(stdout)?.[1] as string;
      const over = await upload(
        { url: base } as never,
        { file: blob(Buffer.alloc(25_000_001)), fileName: "big.bin" },
        { auth: `Basic ${Buffer.from("private_emulator_key:").toString("base64")}` },
      );
      expect(over.status).toBe(400);
      expect(over.body.message).toBe(TOO_LARGE);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("an unknown --plan stops it with a message", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", "--port", "0", "--plan", "gold"],
      {
        cwd: join(import.meta.dirname, "../.."),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("emulator: Invalid emulator plan: gold (expected free, lite, pro)");
  }, 30_000);
});
