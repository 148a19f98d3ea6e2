import { createUploadHandler, defineProfile } from "@upkit/server";
import { z } from "zod";
import { EMULATOR_DEFAULTS, resolveBackend } from "./backend";

const backend = resolveBackend();

/**
 * The demo's upload profiles. Without ImageKit keys in the environment, the demo talks to the
 * local emulator with its documented defaults (started by `./scripts/demo`).
 */
export const uploads = createUploadHandler({
  imagekit:
    backend.kind === "emulator"
      ? {
          privateKey: EMULATOR_DEFAULTS.privateKey,
          publicKey: EMULATOR_DEFAULTS.publicKey,
          urlEndpoint: backend.urlEndpoint,
          uploadEndpoint: process.env.IMAGEKIT_UPLOAD_ENDPOINT ?? EMULATOR_DEFAULTS.uploadEndpoint,
          apiEndpoint: process.env.IMAGEKIT_API_ENDPOINT ?? EMULATOR_DEFAULTS.apiEndpoint,
        }
      : {},
  profiles: {
    gallery: defineProfile({
      restrictions: { maxFileSize: "20MB", accept: ["image/*", "video/*"], maxFiles: 20 },
      transports: ["direct"],
      input: z.object({ tags: z.array(z.string().max(40)).max(10) }),
      options: ({ input }) => ({
        folder: "/demo/gallery",
        tags: ["demo", ...input.tags],
        transformation: { post: [{ type: "thumbnail", value: "w-150,h-150" }] },
      }),
      onUploadComplete: ({ file }) => ({ viewUrl: file.url }),
    }),
    documents: defineProfile({
      restrictions: {
        maxFileSize: "10MB",
        accept: ["application/pdf", ".pdf", ".docx", ".xlsx", ".pptx", "text/plain"],
        maxFiles: 5,
      },
      transports: ["proxy"],
      options: () => ({ folder: "/demo/documents", tags: ["demo", "document"] }),
    }),
  },
});
