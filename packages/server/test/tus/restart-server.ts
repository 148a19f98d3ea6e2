/**
 * The upload handler alone, for `restart.test.ts` to kill and start again: a tus profile on a
 * fixed `tus.directory` (`UPKIT_TUS_DIRECTORY`), pointed at the emulator (`UPKIT_IMAGEKIT`, the
 * JSON of an `imagekit` config). Prints `listening <port>` once it serves. Run from `src` through
 * tsx, with `restart-tsconfig.json` mapping `@upkit/core` to its `src` too, so no build is needed.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createUploadHandler, defineProfile } from "../../src/index";
import { toNodeHandler } from "../../src/node";

const directory = process.env.UPKIT_TUS_DIRECTORY;
const imagekit = process.env.UPKIT_IMAGEKIT;
if (!directory || !imagekit) throw new Error("UPKIT_TUS_DIRECTORY and UPKIT_IMAGEKIT are needed");

const uploads = createUploadHandler({
  imagekit: JSON.parse(imagekit),
  tus: { directory },
  profiles: {
    files: defineProfile({
      transports: ["tus"],
      restrictions: { maxFileSize: "20MB" },
      rateLimit: false,
      options: () => ({ folder: "/restarted", useUniqueFileName: false }),
      onUploadComplete: ({ file }) => ({ size: file.size }),
    }),
  },
});

const server = createServer(toNodeHandler(uploads));
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
