// The server under measurement, alone in its process so that its CPU time and RSS are the route's
// own. argv[2] is JSON: { dist (packages/server/dist), imagekit (the emulator's config), route }.
//
// route "kit":   the kit's proxy route, `createUploadHandler` with one profile allowing 2 GB,
//                served by its node adapter; POST /api/upload/files/proxy.
// route "naive": what an app would write without the kit: `await request.formData()`, then the
//                file re-POSTed to ImageKit with fetch and a FormData body; served by the same
//                node adapter, so the two differ only in the route.
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const { dist, imagekit, route } = JSON.parse(process.argv[2] ?? "{}");
if (!dist || !imagekit || !route) throw new Error("run by run.mjs: { dist, imagekit, route }");

const { createUploadHandler, defineProfile } = await import(
  pathToFileURL(join(dist, "index.js")).href
);
const { toNodeHandler } = await import(pathToFileURL(join(dist, "node.js")).href);

function kitRoute() {
  return createUploadHandler({
    imagekit,
    profiles: {
      files: defineProfile({
        transports: ["proxy"],
        restrictions: { maxFileSize: "2GB" },
        rateLimit: false,
        options: () => ({ folder: "/bench", useUniqueFileName: true }),
      }),
    },
    onError: (error) => console.error(String(error?.stack ?? error)),
  });
}

function naiveRoute() {
  const authorization = `Basic ${Buffer.from(`${imagekit.privateKey}:`).toString("base64")}`;
  return async (request) => {
    const form = await request.formData();
    const file = form.get("file");
    const upstream = new FormData();
    upstream.set("fileName", file.name);
    upstream.set("folder", "/bench");
    upstream.set("useUniqueFileName", "true");
    upstream.set("file", file, file.name);
    const answer = await fetch(`${imagekit.uploadEndpoint}/api/v1/files/upload`, {
      method: "POST",
      headers: { authorization },
      body: upstream,
    });
    return new Response(await answer.text(), {
      status: answer.status,
      headers: { "content-type": "application/json" },
    });
  };
}

const handler = route === "kit" ? kitRoute() : naiveRoute();
const server = createServer(toNodeHandler(handler));
server.listen(0, "127.0.0.1", () => {
  console.log(`${route} route at http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => process.exit(0));
