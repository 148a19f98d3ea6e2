// upkit's handler with one profile, as in the root README's "Use it in your app". bench/many-files
// drops 1,000 files on the /upkit page: hence maxFiles, and no rate limit (the default, 300
// requests a minute per client, would have the engine wait out 429s after 150 files).
import { createUploadHandler, defineProfile } from "@upkit/server";

export const uploads = createUploadHandler({
  profiles: {
    images: defineProfile({
      restrictions: { maxFileSize: "10MB", accept: ["image/*"], maxFiles: 1000 },
      transports: ["direct", "tus"],
      rateLimit: false,
    }),
  },
});
