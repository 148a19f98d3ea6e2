#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function, by area
// (upkit, jose, undici's Request/Response, web streams, Web Crypto, node:http, GC, idle), and
// the inclusive (synchronous-stack) time of chosen functions.
// Usage: node bench/sign-latency/summarise-profile.mjs <file.cpuprofile> [--top 30]
//          [--focus name1,name2]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: "string", default: "30" },
    focus: { type: "string", default: "" },
    json: { type: "boolean", default: false },
  },
});
if (positionals.length !== 1) {
  console.error("usage: summarise-profile.mjs <file.cpuprofile> [--top 30] [--focus a,b]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], "utf8"));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);

/** Which part of the stack a frame belongs to. */
function area(frame) {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(idle)") return "idle";
    if (functionName === "(program)") return "program (native, unattributed)";
    return "native / builtins (JSON, writev, string ops…)";
  }
  if (url.includes("/packages/server/dist/")) return "upkit server";
  if (url.includes("/packages/core/dist/")) return "upkit core";
  if (url.includes("/node_modules/") && url.includes("/jose/")) return "jose";
  if (url.includes("/node_modules/") && url.includes("/zod/")) return "zod";
  if (url.includes("/node_modules/")) return "other node_modules";
  if (url.includes("bench/sign-latency")) return "bench (server setup, /bare)";
  if (/undici|webstreams|js_transferable|abort_controller|event_target/.test(url)) {
    return "Web Request/Response (undici, web streams, AbortSignal)";
  }
  if (url.includes("internal/crypto")) return "Web Crypto (node:internal/crypto)";
  if (/_http|internal\/http|internal\/streams|node:net|stream_base/.test(url)) {
    return "node:http / net / node streams";
  }
  if (/node:events|task_queues|timers/.test(url)) return "events, ticks, timers";
  if (/internal\/modules|bootstrap/.test(url)) return "module loading (start-up)";
  if (url.includes("internal/url")) return "URL parsing";
  if (url.includes("internal/encoding")) return "TextEncoder/TextDecoder";
  return "other node internals";
}

const label = (frame) => {
  const where = frame.url ? frame.url.replace(/^.*\/(node_modules|packages)\//, "$1/") : "";
  return `${frame.functionName || "(anonymous)"} ${where}${where ? `:${frame.lineNumber + 1}` : ""}`;
};

// Time per sample: the delta to the next sample (the last one gets the mean).
const samples = profile.samples;
const deltas = profile.timeDeltas;
const total = profile.endTime - profile.startTime;
const selfByNode = new Map();
for (let i = 0; i < samples.length; i++) {
  const dt = i + 1 < deltas.length ? deltas[i + 1] : total / samples.length;
  selfByNode.set(samples[i], (selfByNode.get(samples[i]) ?? 0) + dt);
}

const selfByFunction = new Map();
const selfByArea = new Map();
const focus = values.focus ? values.focus.split(",") : [];
const inclusive = new Map(focus.map((name) => [name, 0]));
let busy = 0;
for (const [id, us] of selfByNode) {
  const frame = nodes.get(id).callFrame;
  const key = label(frame);
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + us);
  const a = area(frame);
  selfByArea.set(a, (selfByArea.get(a) ?? 0) + us);
  if (a !== "idle") busy += us;
  // Inclusive: each focused name counted once per sample if it is anywhere on the stack.
  const seen = new Set();
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const name = nodes.get(n).callFrame.functionName;
    if (inclusive.has(name) && !seen.has(name)) {
      seen.add(name);
      inclusive.set(name, inclusive.get(name) + us);
    }
  }
}

const ms = (us) => (us / 1000).toFixed(1).padStart(8);
const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);

if (values.json) {
  console.log(
    JSON.stringify(
      {
        totalMs: total / 1000,
        busyMs: busy / 1000,
        areas: Object.fromEntries(sorted(selfByArea).map(([k, v]) => [k, v / 1000])),
        top: sorted(selfByFunction)
          .slice(0, Number(values.top))
          .map(([k, v]) => ({ fn: k, selfMs: v / 1000 })),
        inclusive: Object.fromEntries([...inclusive].map(([k, v]) => [k, v / 1000])),
      },
      null,
      2,
    ),
  );
} else {
  console.log(
    `profile: ${(total / 1000).toFixed(0)} ms, busy (not idle) ${(busy / 1000).toFixed(0)} ms; ` +
      "percentages are of busy time",
  );
  console.log("\nself time by area:");
  for (const [k, v] of sorted(selfByArea)) console.log(`${ms(v)} ms ${pct(v)}  ${k}`);
  console.log(`\ntop ${values.top} functions by self time:`);
  for (const [k, v] of sorted(selfByFunction).slice(0, Number(values.top))) {
    console.log(`${ms(v)} ms ${pct(v)}  ${k}`);
  }
  if (focus.length) {
    console.log("\ninclusive time (synchronous stacks only; awaits end a stack):");
    for (const [k, v] of inclusive) console.log(`${ms(v)} ms ${pct(v)}  ${k}`);
  }
}
