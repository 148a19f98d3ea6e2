"use client";

import { useQueryClient } from "@tanstack/react-query";
import { createUploadComponents } from "@upkit/react";
import { useInvalidateOnUpload } from "@upkit/react/query";
import { useState } from "react";
import type { uploads } from "../../lib/uploads";
import { GALLERY_QUERY_KEY } from "./gallery";
import { GalleryDetailsForm, NO_GALLERY_DETAILS, toGalleryInput } from "./gallery-details-form";
import { seedProcessingState } from "./use-processing-state";

// A type-only import of the server handler: profile names, input and results are typed, and no
// server code reaches the browser.
const { Uploader } = createUploadComponents<typeof uploads>();

export function AvatarUploader() {
  return <Uploader profile="avatar" />;
}

export function GalleryUploader() {
  const [details, setDetails] = useState(NO_GALLERY_DETAILS);
  const client = useQueryClient();
  const refreshGallery = useInvalidateOnUpload([GALLERY_QUERY_KEY], (file) =>
    seedProcessingState(client, file.result.fileId, file.processing),
  );
  return (
    <>
      <GalleryDetailsForm value={details} onChange={setDetails} />
      <Uploader
        profile="gallery"
        input={toGalleryInput(details)}
        onUploadComplete={refreshGallery}
      />
    </>
  );
}

export function DocumentsUploader() {
  return <Uploader profile="documents" />;
}

export function VideosUploader() {
  // Finished videos are listed in the gallery too.
  const refreshGallery = useInvalidateOnUpload([GALLERY_QUERY_KEY]);
  return <Uploader profile="videos" onUploadComplete={refreshGallery} />;
}
