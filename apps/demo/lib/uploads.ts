import { join } from "node:path";
import { createUploadHandler, defineProfile, readImageKitConfig, UploadError } from "@upkit/server";
import { EMULATOR_DEFAULTS, resolveBackend } from "./backend";
import { ensureCustomMetadataFields } from "./ensure-custom-metadata-fields";
import { userFolder } from "./folder-slug";
import { galleryCustomMetadata, galleryInputSchema } from "./gallery-input";
import { GALLERY_METADATA_FIELDS } from "./gallery-metadata-fields";
import { type SessionUser, userOf } from "./session";

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
function signedIn(request: Request): { user: SessionUser } {
  const user = userOf(request);
  if (!user) throw new UploadError("unauthorized", "Sign in to upload.");
  return { user };
}

let galleryFields: Promise<void> | undefined;

/**
 * The gallery's custom metadata fields, created in the account before the first gallery upload
 * is signed (not at import: `next build` loads this module with no ImageKit to talk to). Once
 * they exist this is free; a failure is forgotten, so the next upload tries again.
 */
async function galleryFieldsReady(): Promise<void> {
  galleryFields ??= ensureCustomMetadataFields(imagekitConfig, GALLERY_METADATA_FIELDS).catch(
    (error: unknown) => {
      galleryFields = undefined;
      const reason = error instanceof Error ? error.message : String(error);
      console.error(`gallery: ${reason}`);
      // The reason names the field and ImageKit's answer: what both the user and the log need.
      throw new UploadError("upstream-error", reason);
    },
  );
  return galleryFields;
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
  // Incomplete resumable uploads wait in the demo's own (git-ignored) folder, not the OS tmpdir.
  tus: { directory: join(process.cwd(), ".upkit-tus") },
  profiles: {
    avatar: defineProfile({
      restrictions: { maxFileSize: "2MB", accept: ["image/*"], maxFiles: 1 },
      transports: ["direct"],
      authorize: signedIn,
      options: ({ ctx }) => ({
        // The slug, never the name: a name may hold anything a person writes, a folder may not.
        folder: userFolder(ctx.user.slug),
        tags: ["avatar", ctx.user.slug],
        transformation: { post: [{ type: "thumbnail", value: "w-150,h-150" }] },
      }),
      onUploadComplete: ({ ctx, file }) => ({ user: ctx.user.name, avatarUrl: file.url }),
    }),
    gallery: defineProfile({
      restrictions: { maxFileSize: "20MB", accept: ["image/*", "video/*"], maxFiles: 20 },
      transports: ["direct"],
      authorize: signedIn,
      input: galleryInputSchema,
      options: async ({ input, file }) => {
        await galleryFieldsReady();
        return {
          folder: "/demo/gallery",
          tags: [...new Set(["demo", "gallery", ...input.tags])],
          customMetadata: galleryCustomMetadata(input),
          transformation: {
            // Videos are scaled to at most 1280 px wide before they are stored. ImageKit queues
            // that (202): the uploader shows "Queued at ImageKit…" until the video is stored.
            ...(file.type.startsWith("video/") ? { pre: "w-1280,c-at_max" } : {}),
            post: [{ type: "thumbnail", value: "w-150,h-150" }],
          },
        };
      },
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
    videos: defineProfile({
      // Up to the emulator's (and ImageKit's) default video limit, 300 MB.
      restrictions: { accept: ["video/*"], maxFileSize: "300MB", maxFiles: 3 },
      transports: ["tus"],
      authorize: signedIn,
      options: () => ({ folder: "/demo/videos", tags: ["demo", "video"] }),
    }),
  },
});
