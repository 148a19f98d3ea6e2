"use client";
// UploadThing's UploadDropzone, as in its Next.js App Router guide.
import "@uploadthing/react/styles.css";
import { UploadDropzone } from "./uploadthing";

export default function UploadThingPage() {
  return (
    <main>
      <h1>Upload</h1>
      <UploadDropzone
        endpoint="imageUploader"
        onClientUploadComplete={(files) => console.log("uploaded", files)}
        onUploadError={(error) => console.error(error.message)}
      />
    </main>
  );
}
