import { createUploadComponents } from "@upkit/react";
import type { uploads } from "../api/upload/uploads"; // type-only: no server code ships

export const { Uploader } = createUploadComponents<typeof uploads>();
