// UploadThing's file router, as in its Next.js App Router guide.
import { createUploadthing, type FileRouter } from "uploadthing/next";

const f = createUploadthing();

export const ourFileRouter = {
  imageUploader: f({ image: { maxFileSize: "4MB", maxFileCount: 1 } }).onUploadComplete(
    async ({ file }) => ({ url: file.ufsUrl }),
  ),
} satisfies FileRouter;

export type OurFileRouter = typeof ourFileRouter;
