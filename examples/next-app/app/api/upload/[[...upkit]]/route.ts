// app/api/upload/[[...upkit]]/route.ts: one catch-all route serves every upload request
import { toNextHandlers } from "@upkit/server/next";
import { uploads } from "../uploads";

export const { GET, POST, PATCH, HEAD, DELETE, OPTIONS } = toNextHandlers(uploads);
