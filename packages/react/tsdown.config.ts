import { defineConfig, type TsdownPlugin } from "tsdown";

/**
 * The built modules that are not client modules: they hold no hook and no component, so a server
 * component may call what they export. The main entry only re-exports, so `import { Uploader }
 * from "@upkit/react"` in a server component still gets the client reference of `Uploader`, and
 * `createUploadComponents<typeof uploads>()` runs on the server, where it returns those same
 * references (a "use client" entry would make it a client function, which a server component
 * cannot call). Every other module starts with "use client".
 */
const SERVER_MODULES = new Set([
  "index.js",
  "create-upload-components.js",
  "format-duration.js",
  "messages.js",
]);

/** Puts `"use client"` on top of each built module but `SERVER_MODULES` (once: query.ts has it). */
const useClient: TsdownPlugin = {
  name: "upkit:use-client",
  renderChunk(code, chunk) {
    const isModule = chunk.fileName.endsWith(".js") && !SERVER_MODULES.has(chunk.fileName);
    if (!isModule || code.startsWith('"use client"')) return null;
    return `"use client";\n${code}`;
  },
};

export default defineConfig({
  // Two entries: React Query helpers stay out of the main one.
  entry: ["src/index.ts", "src/query.ts"],
  format: ["esm"],
  dts: true,
  platform: "browser",
  clean: true,
  // One file per module, so an app's bundler leaves out what it does not use, and the file parts
  // and the engine's queue stay in chunks of their own, loaded when a user reaches for the
  // dropzone (see parts/lazy-parts.tsx).
  unbundle: true,
  inputOptions: { optimization: { inlineConst: false } },
  plugins: [useClient],
  copy: ["src/styles.css"],
  // Nothing from node_modules may be inlined, in code or in declarations: the types shared with
  // the server come from @upkit/core, a dependency, so dist never copies another package's files
  // (test/built-types.test.ts checks the result as an app sees it).
  deps: { onlyBundle: [] },
});
