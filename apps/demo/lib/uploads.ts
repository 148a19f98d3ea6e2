import { createUploadHandler, defineProfile, readImageKitConfig, UploadError } from "@upkit/server";
import { z } from "zod";
import { EMULATOR_DEFAULTS, resolveBackend } from "./backend";
import { userOf } from "./session";

const backend = resolveBackend();

/**
 * The demo's upload profiles. Without ImageKit keys in the environment, the demo talks to the
 * local emulator with its documented defaults (started by `./scripts/demo`).
 */
export const imagekitConfig = readImageKitConfig(
  backend.kind === "emulator"
    ? {
        privateKey: EMULATOR_DEFAULTS.privateKey,
        publicKey: EMULATOR_DEFAULTS.publicKey,
        urlEndpoint: backend.urlEndpoint,
        uploadEndpoint: process.env.IMAGEKIT_UPLOAD_ENDPOINT ?? EMULATOR_DEFAULTS.uploadEndpoint,
        apiEndpoint: process.env.IMAGEKIT_API_ENDPOINT ?? EMULATOR_DEFAULTS.apiEndpoint,
      }
    : {},
);

export const webhookSecret =
  process.env.IMAGEKIT_WEBHOOK_SECRET ??
  (backend.kind === "emulator" ? EMULATOR_DEFAULTS.webhookSecret : undefined);

/** Signed out, uploads are refused before anything is signed. */
function signedIn(request: Request): { user: string } {
  const user = userOf(request);
  if (!user) throw new UploadError("unauthorized", "Sign in to upload.");
  return { user };
}

export const uploads = createUploadHandler({
  imagekit: imagekitConfig,
  // ImageKit (or the emulator, started with --webhook-url) reports post-transformations here; the
  // handler verifies each webhook and follows the processing state the uploaders show.
  webhook: {
    secret: webhookSecret,
    onWebhook: (event) => {
      console.log(`webhook: ${event.type}`);
    },
  },
  profiles: {
    avatar: defineProfile({
      restrictions: { maxFileSize: "2MB", accept: ["image/*"], maxFiles: 1 },
      transports: ["direct"],
      authorize: signedIn,
      options: ({ ctx }) => ({
        folder: `/demo/users/${ctx.user}`,
        tags: ["avatar", ctx.user],
        transformation: { post: [{ type: "thumbnail", value: "w-150,h-150" }] },
      }),
      onUploadComplete: ({ ctx, file }) => ({ user: ctx.user, avatarUrl: file.url }),
    }),
    gallery: defineProfile({
      restrictions: { maxFileSize: "20MB", accept: ["image/*", "video/*"], maxFiles: 20 },
      transports: ["direct"],
      authorize: signedIn,
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
      authorize: signedIn,
      options: () => ({ folder: "/demo/documents", tags: ["demo", "document"] }),
    }),
  },
});
