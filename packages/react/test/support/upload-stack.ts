import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmulator } from "@upkit/emulator";
import { createUploadHandler, defineProfile } from "@upkit/server";
// The subpath alias of vitest.shared.ts covers the package root only.
import { toNodeHandler } from "@upkit/server/node";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The app's upload route, e.g. `http://127.0.0.1:1234/api/upload`. */
    endpoint: string;
    emulatorUrl: string;
    urlEndpoint: string;
    privateKey: string;
  }
}

/**
 * Global setup: a real ImageKit emulator and a real node:http server running the route handler,
 * both in Node itself. In the jsdom test realm, `jose` refuses jsdom's `Uint8Array` as an HMAC
 * key, and a browser never runs the server anyway: the tests talk to these over sockets.
 */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), "upkit-react-test-"));
  const emulator = await createEmulator({ port: 0, dataDir, asyncDelayMs: 20 });
  const uploads = createUploadHandler({
    imagekit: {
      privateKey: emulator.privateKey,
      publicKey: emulator.publicKey,
      urlEndpoint: emulator.urlEndpoint,
      uploadEndpoint: emulator.url,
      apiEndpoint: emulator.url,
    },
    profiles: {
      photos: defineProfile({
        restrictions: { accept: ["image/*"], maxFileSize: "1MB" },
        transports: ["direct"],
        options: () => ({ folder: "/photos" }),
        onUploadComplete: ({ file }) => ({ stored: file.filePath }),
        rateLimit: false,
      }),
      docs: defineProfile({
        restrictions: { accept: ["image/*"] },
        transports: ["proxy"],
        options: () => ({ folder: "/docs" }),
        rateLimit: false,
      }),
    },
  });
  const handle = toNodeHandler(uploads);
  // The page (jsdom's http://localhost:3000) is on another origin than the app server, and
  // jsdom's XHR enforces CORS like a browser (the emulator answers CORS on its own).
  const server = createServer((req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    if (req.method === "OPTIONS") {
      res.setHeader("access-control-allow-methods", "GET, POST");
      res.setHeader("access-control-allow-headers", "content-type");
      res.writeHead(204).end();
      return;
    }
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("endpoint", `http://127.0.0.1:${port}/api/upload`);
  project.provide("emulatorUrl", emulator.url);
  project.provide("urlEndpoint", emulator.urlEndpoint);
  project.provide("privateKey", emulator.privateKey);
  return async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  };
}
