"use client";

import { createUploadComponents } from "@upkit/react";
import { useInvalidateOnUpload } from "@upkit/react/query";
import type { uploads } from "../../lib/uploads";
import { GALLERY_QUERY_KEY } from "./gallery";

// A type-only import of the server handler: profile names, input and results are typed, and no
// server code reaches the browser.
const { Uploader } = createUploadComponents<typeof uploads>();

export function AvatarUploader() {
  return <Uploader profile="avatar" />;
}

export function GalleryUploader() {
  const refreshGallery = useInvalidateOnUpload([GALLERY_QUERY_KEY]);
  return (
    <Uploader profile="gallery" input={{ tags: ["gallery"] }} onUploadComplete={refreshGallery} />
  );
}

export function DocumentsUploader() {
  return <Uploader profile="documents" />;
}
