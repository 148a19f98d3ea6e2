// app/uploader.ts: a plain module (no "use client"), for server and client components
import { createUploadComponents } from "@upkit/react";
import type { uploads } from "./api/upload/uploads"; // a type-only import: no server code ships

export const { Uploader, useUploader } = createUploadComponents<typeof uploads>();
