/**
 * The serverless deployment from the README's "Deploying": tus uploads wait in S3 (no disk
 * outlives a function's invocation) and everything else the handler remembers is in Redis.
 * Type-checked with the package (`pnpm typecheck`); not run by the tests, since no S3-compatible
 * server runs on our test machines (see the README).
 */
import { S3Store } from "@tus/s3-store";
import { createUploadHandler, defineProfile } from "../src/index";
import { redisState } from "../src/redis";

export const uploads = createUploadHandler({
  profiles: {
    videos: defineProfile({
      transports: ["tus"],
      restrictions: { maxFileSize: "2GB", accept: ["video/*"] },
      options: () => ({ folder: "/videos" }),
    }),
  },
  state: redisState({ url: process.env.REDIS_URL }),
  tus: {
    // S3 multipart rules: parts of at least 5 MiB (8 MiB here), at most 10,000 of them.
    datastore: new S3Store({
      partSize: 8 * 1024 * 1024,
      s3ClientConfig: {
        bucket: process.env.TUS_BUCKET ?? "uploads",
        region: process.env.AWS_REGION ?? "eu-west-1",
      },
    }),
  },
});
