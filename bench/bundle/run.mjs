#!/usr/bin/env node
// What an uploader adds to a page's first-load JavaScript in a real Next.js production build:
// upkit's <Uploader> next to other React upload libraries, one page each in one app (app/),
// built once, each page measured in Chromium against the app's empty page. Also the size of the
// tus chunk(s) that upkit loads only when a tus upload starts. See README.md.
//
//   node bench/bundle/run.mjs           # npm ci, next build, measure (about 2 minutes)
//   node bench/bundle/run.mjs --quick   # reuse app/node_modules when present
//
// Run after `pnpm build`: upkit comes from tarballs of the workspace packages.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { writeResult } from "../lib/write-result.mjs";
import {
  app,
  buildBenchApp,
  imagekitEnv,
  installBenchApp,
  launchChromium,
  startBenchApp,
} from "./bench-app.mjs";

const quick = process.argv.includes("--quick");
/** @upkit/react's own budget for what <Uploader> adds up front (scripts/test-example-app.mjs). */
const UPKIT_BUDGET = 12 * 1024;
/** The lazily loaded tus transport, tus-js-client included. */
const TUS_BUDGET = 17 * 1024;
/** A string only tus-js-client's code holds (the protocol header it sends). */
const TUS_MARKER = "Tus-Resumable";

const contenders = [
  { page: "/upkit", label: "upkit <Uploader>", library: "@upkit/react" },
  { page: "/uploadthing", label: "UploadThing UploadDropzone", library: "@uploadthing/react" },
  { page: "/uppy", label: "Uppy Dashboard + tus", library: "@uppy/react" },
  { page: "/react-uploady", label: "react-uploady UploadDropZone", library: "@rpldy/uploady" },
  { page: "/react-dropzone", label: "react-dropzone alone", library: "react-dropzone" },
];

const gzipped = (body) => gzipSync(body, { level: 9 }).length;
const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;

/**
 * Every script a fresh browser context loads for `path` until the network is idle, without any
 * pointer, focus or file: what a visitor downloads for the page before touching the uploader.
 */
async function firstLoadScripts(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const scripts = [];
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("response", (response) => {
    if (response.request().resourceType() !== "script") return;
    scripts.push(response.body().then((body) => ({ url: new URL(response.url()).pathname, body })));
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.locator("h1").waitFor();
  await page.waitForLoadState("networkidle");
  const loaded = await Promise.all(scripts);
  await context.close();
  return { scripts: loaded, errors };
}

/**
 * The chunks that upkit's page loads only later, by the Turbopack chunk loader's groups
 * (`Promise.all(["static/chunks/a.js", ...].map(load))` in the chunk that asks for them), with
 * the chunk that asked for each group.
 */
function lazyChunkGraph(firstLoadUrls) {
  const chunks = join(app, ".next/static/chunks");
  const read = (name) => readFileSync(join(chunks, name));
  const seen = new Set(firstLoadUrls.map((url) => url.split("/").pop()));
  const parent = new Map();
  const queue = [...seen];
  while (queue.length > 0) {
    const name = queue.shift();
    const text = read(name).toString();
    for (const [, list] of text.matchAll(/Promise\.all\(\[((?:"static\/chunks\/[^"]+",?)+)\]/g)) {
      const group = [...list.matchAll(/"static\/chunks\/([^"]+)"/g)].map((match) => match[1]);
      for (const chunk of group) {
        if (seen.has(chunk)) continue;
        seen.add(chunk);
        parent.set(chunk, { from: name, group });
        queue.push(chunk);
      }
    }
  }
  return { read, parent };
}

/** The lazily loaded chunks that bring tus-js-client: its group and the chunks that load it. */
function tusChunks(firstLoadUrls) {
  const { read, parent } = lazyChunkGraph(firstLoadUrls);
  const withTus = [...parent.keys()].filter((name) => read(name).includes(TUS_MARKER));
  if (withTus.length === 0) throw new Error(`no lazily loaded chunk holds ${TUS_MARKER}`);
  const path = new Set();
  for (const name of withTus) {
    for (const chunk of parent.get(name).group) path.add(chunk);
    // Up to the first-load scripts: the chunks only the tus transport makes the page load.
    for (let from = parent.get(name).from; parent.has(from); from = parent.get(from).from) {
      path.add(from);
    }
  }
  return [...path].map((name) => ({
    chunk: name,
    bytes: read(name).length,
    gzipped: gzipped(read(name)),
    tusJsClient: withTus.includes(name),
  }));
}

async function main() {
  const started = Date.now();
  console.log("--- install");
  const installed = await installBenchApp({ reuse: quick });
  console.log(`    ${installed}`);
  console.log("--- next build");
  await buildBenchApp();
  const server = await startBenchApp({ env: imagekitEnv() });
  const browser = await launchChromium();
  const measured = {};
  try {
    for (const page of ["/empty", ...contenders.map((contender) => contender.page)]) {
      console.log(`--- ${page}`);
      measured[page] = await firstLoadScripts(browser, `${server.url}${page}`);
    }
  } finally {
    await browser.close();
    server.stop();
  }

  const total = (scripts) => scripts.reduce((sum, script) => sum + gzipped(script.body), 0);
  const empty = measured["/empty"];
  const emptyUrls = new Set(empty.scripts.map((script) => script.url));
  const versions = JSON.parse(readFileSync(join(app, "package.json"), "utf8")).dependencies;
  const rows = contenders.map(({ page, label, library }) => {
    const { scripts, errors } = measured[page];
    const added = total(scripts) - total(empty.scripts);
    const own = scripts.filter((script) => !emptyUrls.has(script.url));
    const version = library === "@upkit/react" ? "workspace" : versions[library];
    const isUpkit = library === "@upkit/react";
    return {
      measure: `first-load JS added: ${label}`,
      value: added,
      unit: "B gzip",
      goal: isUpkit ? `≤ ${UPKIT_BUDGET / 1024} KB` : null,
      met: isUpkit ? added <= UPKIT_BUDGET : null,
      detail: `${page} (${library} ${version}) minus /empty: ${own.length} scripts only on this page, ${scripts.length} in all${errors.length > 0 ? `; page errors: ${errors.join(" | ")}` : ""}`,
    };
  });

  const upkitUrls = measured["/upkit"].scripts.map((script) => script.url);
  const tus = tusChunks(upkitUrls);
  const tusClient = tus.filter((chunk) => chunk.tusJsClient);
  const tusTotal = tus.reduce((sum, chunk) => sum + chunk.gzipped, 0);
  rows.push({
    measure: "upkit's lazily loaded tus chunk (tus-js-client)",
    value: tusClient.reduce((sum, chunk) => sum + chunk.gzipped, 0),
    unit: "B gzip",
    goal: `≤ ${TUS_BUDGET / 1024} KB`,
    met: tusClient.reduce((sum, chunk) => sum + chunk.gzipped, 0) <= TUS_BUDGET,
    detail: `the chunk(s) holding tus-js-client that /upkit loads on its first tus upload: ${tusClient.map((chunk) => `${chunk.chunk} ${chunk.gzipped} B`).join(", ")}`,
  });
  rows.push({
    measure: "upkit's tus transport loaded on demand, all chunks",
    value: tusTotal,
    unit: "B gzip",
    goal: null,
    met: null,
    detail: `tus-js-client with upkit's tus transport and the chunks that load it: ${tus.map((chunk) => `${chunk.chunk} ${chunk.gzipped} B`).join(", ")}`,
  });

  const file = writeResult({
    benchmark: "bundle",
    quick,
    method:
      "One Next.js 16 app outside the workspace (bench/bundle/app: exact versions, committed lockfile, npm ci; upkit from `pnpm pack` tarballs of the workspace packages) has an empty page and one page per library rendering that library's minimal documented usage, all under the same layout, built once with `next build` (Turbopack). Each page is loaded with `next start` in a fresh Chromium context until the network is idle, with no pointer, focus or file; every script it loaded is gzipped (level 9) on its own, as a browser downloads it, and summed. A contender's figure is its page's sum minus the empty page's. The tus chunk is found in the build output: the chunks upkit's page loads only later are followed through Turbopack's chunk-loading groups from the page's first-load scripts, and the one(s) holding tus-js-client are gzipped the same way.",
    rows,
    series: {
      "bundle-first-load": {
        title: "First-load JS added, gzipped",
        kind: "bar",
        y: "KB gzip",
        bars: rows
          .slice(0, contenders.length)
          .map((row, index) => [contenders[index].label, kb(row.value)]),
      },
    },
    pages: Object.fromEntries(
      Object.entries(measured).map(([page, { scripts }]) => [
        page,
        scripts
          .map((script) => ({ url: script.url, gzipped: gzipped(script.body) }))
          .sort((a, b) => a.url.localeCompare(b.url)),
      ]),
    ),
    tusChunks: tus,
    install: installed,
    durationS: Math.round((Date.now() - started) / 1000),
  });
  for (const row of rows) {
    console.log(
      `${row.measure}: ${row.value} ${row.unit} (${kb(row.value)} KB)${row.goal ? ` goal ${row.goal}: ${row.met ? "met" : "NOT met"}` : ""}`,
    );
  }
  console.log(`wrote ${file}`);
}

await main();
