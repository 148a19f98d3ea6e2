import { spawn } from "node:child_process";
import { rm, stat } from "node:fs/promises";

/**
 * Video frames come from the `ffmpeg` command (Debian's `ffmpeg` package), run as a child
 * process: npm's `ffmpeg-static` downloads its binary from GitHub at install time (not reachable
 * on every machine), and `@ffmpeg/ffmpeg` (WebAssembly) runs in browsers only.
 */

/** The ffmpeg the emulator runs: `EMULATOR_FFMPEG_PATH`, else `ffmpeg` on the `PATH`. */
export const ffmpegCommand = (): string => process.env.EMULATOR_FFMPEG_PATH || "ffmpeg";

/** A frame taking longer than this is given up (a huge or hostile file must not hang a request). */
export const FRAME_TIMEOUT_MS = 20_000;

export interface ExtractFrameOptions {
  /** Seconds from the start (`so-`); 0 is the first frame. */
  offsetSeconds?: number;
  /** Default: `ffmpegCommand()`. */
  ffmpeg?: string;
  timeoutMs?: number;
}

export type ExtractFrameResult =
  | { ok: true }
  /** `missing`: no ffmpeg to run; `failed`: it ran but produced no frame (a damaged file, an
   * offset past the end, a timeout). `detail` is ffmpeg's last words, for logs. */
  | { ok: false; reason: "missing" | "failed"; detail: string };

/**
 * ffmpeg demuxers by detected MIME type. The demuxer is forced, never probed from the content:
 * a file that only claims to be a video must not reach demuxers that open other files or URLs
 * (HLS and concat playlists; AVI, whose embedded subtitle streams are probed and can be such a
 * playlist, is left out for that reason and gets the placeholder).
 */
const DEMUXERS: Readonly<Record<string, string>> = {
  "video/mp4": "mov",
  "video/quicktime": "mov",
  "video/x-m4v": "mov",
  "video/3gpp": "mov",
  "video/3gpp2": "mov",
  "video/webm": "matroska",
  "video/matroska": "matroska",
  "video/x-matroska": "matroska",
  "video/ogg": "ogg",
  "video/mpeg": "mpeg",
  "video/MP1S": "mpeg",
  "video/MP2P": "mpeg",
  "video/mp2t": "mpegts",
  "video/x-flv": "flv",
};

/** Whether the emulator tries to take frames from files of this MIME type. */
export const canExtractFrame = (mime: string): boolean => mime in DEMUXERS;

/**
 * Writes one frame of the video at `input` to `output` as a PNG (lossless, so the image
 * pipeline sees the decoded pixels), at its display size (non-square pixels are scaled and
 * rotation metadata applied, as players show it). Never throws: a missing ffmpeg or an
 * undecodable file is a result, and no partial `output` is left behind.
 */
export async function extractVideoFrame(
  input: string,
  mime: string,
  output: string,
  options: ExtractFrameOptions = {},
): Promise<ExtractFrameResult> {
  const demuxer = DEMUXERS[mime];
  if (!demuxer) return { ok: false, reason: "failed", detail: `no demuxer for ${mime}` };
  const offset = options.offsetSeconds ?? 0;
  // Arguments as an array (no shell); `file:` so a path is never read as another protocol or
  // an option; only the file protocol is allowed, for the input and anything it refers to.
  const args = [
    "-hide_banner",
    "-loglevel",
    "error",
    "-nostdin",
    "-y",
    "-protocol_whitelist",
    "file",
    "-f",
    demuxer,
    ...(offset > 0 ? ["-ss", String(offset)] : []),
    "-i",
    `file:${input}`,
    "-map",
    "0:v:0",
    "-frames:v",
    "1",
    "-vf",
    "scale=iw*sar:ih,setsar=1",
    "-f",
    "image2",
    "-update",
    "1",
    "-c:v",
    "png",
    `file:${output}`,
  ];
  const run = await runFfmpeg(
    options.ffmpeg ?? ffmpegCommand(),
    args,
    options.timeoutMs ?? FRAME_TIMEOUT_MS,
  );
  if (run.missing) return { ok: false, reason: "missing", detail: run.detail };
  // ffmpeg exits 0 without writing anything when no frame decodes at that offset.
  if (run.code === 0 && (await nonEmpty(output))) return { ok: true };
  await rm(output, { force: true });
  return { ok: false, reason: "failed", detail: run.detail || `ffmpeg exited with ${run.code}` };
}

interface Run {
  missing: boolean;
  code: number | null;
  detail: string;
}

function runFfmpeg(command: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    let stderr = "";
    let settled = false;
    const done = (run: Run) => {
      if (settled) return;
      settled = true;
      resolve(run);
    };
    const child = spawn(command, args, {
      // stdin closed: ffmpeg must never wait for input (`-nostdin` says the same to it).
      stdio: ["ignore", "ignore", "pipe"],
      timeout: timeoutMs,
      killSignal: "SIGKILL",
      windowsHide: true,
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      // Only the end matters for a log line; a chatty decoder must not grow memory.
      stderr = (stderr + chunk).slice(-2000);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      const missing = error.code === "ENOENT" || error.code === "EACCES";
      done({ missing, code: null, detail: error.message });
    });
    child.on("close", (code, signal) => {
      const detail = signal ? `ffmpeg stopped by ${signal} (timeout ${timeoutMs} ms)` : stderr;
      done({ missing: false, code, detail: detail.trim() });
    });
  });
}

async function nonEmpty(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}
