/**
 * Streaming memory: 256 MiB go through streamProxyUpload to the emulator, generated in 64 KiB
 * chunks, never one buffer. The emulator runs in its own process: the bound on RSS growth is the
 * proxy's alone (request body → parser → guard → ImageKit client), not the emulator's buffers,
 * whose garbage-collection timing made the figure swing by tens of MiB from run to run.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type EmulatorProcess, startEmulatorProcess } from "../support/emulator-process";
import {
  generatedFile,
  MiB,
  multipartBody,
  PDF_HEAD,
  proxyRequest,
  runProxy,
} from "./proxy-test-kit";

const SIZE = 256 * MiB;
const MAX_RSS_GROWTH = 64 * MiB;

let emulator: EmulatorProcess;

beforeAll(async () => {
  emulator = await startEmulatorProcess({ "max-file-size": String(300 * MiB) });
});
afterAll(() => emulator.dispose());

async function upload(size: number) {
  const file = generatedFile(size, PDF_HEAD);
  const body = multipartBody([
    { name: "size", value: String(size) },
    { name: "file", fileName: "big.pdf", type: "application/pdf", file },
  ]);
  const { probe, result } = runProxy(emulator, proxyRequest(body), {
    restrictions: { maxFileSize: 300 * MiB, accept: ["application/pdf"] },
    folder: "/memory",
  });
  const uploaded = await result;
  return { uploaded, upstreamBytes: probe.uploads[0]?.bytes };
}

it("holds no more than a small window of a 256 MiB upload in memory", async () => {
  // Warm up (modules, JIT, parser and socket buffers): the measurement sees per-upload memory.
  const warm = await upload(4 * MiB);
  await emulator.api(`/v1/files/${warm.uploaded.fileId}`, { method: "DELETE" });

  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  let outcome: Awaited<ReturnType<typeof upload>>;
  try {
    outcome = await upload(SIZE);
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const growth = peak - before;
  const report = `RSS before ${(before / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB, growth ${(growth / MiB).toFixed(1)} MiB`;
  if (process.env.UPKIT_LOG_MEMORY) console.log(report);

  expect(outcome.uploaded.size).toBe(SIZE);
  expect(outcome.upstreamBytes).toBe(SIZE);
  expect(growth, report).toBeLessThanOrEqual(MAX_RSS_GROWTH);
  const details = await emulator.api(`/v1/files/${outcome.uploaded.fileId}/details`);
  expect(details.body).toMatchObject({ size: SIZE, filePath: "/memory/big.pdf" });
  await emulator.api(`/v1/files/${outcome.uploaded.fileId}`, { method: "DELETE" });
}, 120_000);
