// What one process costs, read from /proc (Linux): CPU time and resident memory. Read from the
// outside, so the process under measurement runs no sampling code of its own.
import { readFileSync, writeFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux port). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** VmRSS and VmHWM (the peak since the last reset), bytes. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
}

/**
 * Measures `work` on the processes `pids` (name -> pid): CPU seconds used during it, and peak RSS
 * growth (VmHWM, reset first through clear_refs, and 20 ms samples, minus VmRSS before).
 */
export async function measure(pids, work) {
  const before = {};
  for (const [name, pid] of Object.entries(pids)) {
    let peakReset = true;
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      peakReset = false; // VmHWM is then the all-time peak: still an upper bound
    }
    const { rss } = memory(pid);
    before[name] = { rss, sampled: rss, cpu: cpuSeconds(pid), peakReset };
  }
  const sampler = setInterval(() => {
    for (const [name, pid] of Object.entries(pids)) {
      before[name].sampled = Math.max(before[name].sampled, memory(pid).rss);
    }
  }, 20);
  const started = performance.now();
  try {
    const result = await work();
    const ms = performance.now() - started;
    const processes = {};
    for (const [name, pid] of Object.entries(pids)) {
      const after = memory(pid);
      const b = before[name];
      const peak = Math.max(after.hwm, after.rss, b.sampled);
      processes[name] = {
        rssBefore: b.rss,
        peakRss: peak,
        rssGrowth: peak - b.rss,
        cpuSeconds: cpuSeconds(pid) - b.cpu,
        peakReset: b.peakReset,
      };
    }
    return { result, ms, processes };
  } finally {
    clearInterval(sampler);
  }
}
