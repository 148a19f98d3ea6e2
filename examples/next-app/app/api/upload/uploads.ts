// app/api/upload/uploads.ts: the handler, its profiles and what each upload may be
import { createUploadHandler, defineProfile } from "@upkit/server";
import { z } from "zod";

export const uploads = createUploadHandler({
  profiles: {
    // Photos go from the browser straight to ImageKit, with a signature from this server.
    images: defineProfile({
      restrictions: { maxFileSize: "10MB", accept: ["image/*"], maxFiles: 10 },
      transports: ["direct"],
      input: z.object({ alt: z.string().min(1).max(200) }),
      options: ({ input }) => ({ folder: "/photos", tags: ["photo"], description: input.alt }),
      onUploadComplete: ({ file, input }) => ({ url: file.url, alt: input.alt }),
    }),
    // PDFs stream through this server to ImageKit; their type is checked on the bytes.
    docs: defineProfile({
      restrictions: { maxFileSize: "20MB", accept: ["application/pdf"], maxFiles: 5 },
      transports: ["proxy"],
      options: () => ({ folder: "/docs", tags: ["doc"] }),
    }),
  },
});
