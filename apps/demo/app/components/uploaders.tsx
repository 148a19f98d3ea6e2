"use client";

import { createUploadComponents } from "@upkit/react";
import type { uploads } from "../../lib/uploads";

// A type-only import of the server handler: profile names, input and results are typed, and no
// server code reaches the browser.
const { Uploader } = createUploadComponents<typeof uploads>();

export function GalleryUploader() {
  return <Uploader profile="gallery" input={{ tags: ["gallery"] }} />;
}

export function DocumentsUploader() {
  return <Uploader profile="documents" />;
}
