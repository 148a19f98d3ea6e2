// app/photo-form.tsx: passing a function (a callback, `input` per file) makes it a client component
"use client";

import { useState } from "react";
import { Uploader } from "./uploader";

export function PhotoForm() {
  const [photos, setPhotos] = useState<{ url: string; alt: string }[]>([]);
  return (
    <section>
      <Uploader
        profile="images"
        input={(file) => ({ alt: file.name })}
        onUploadComplete={(file) => setPhotos((list) => [...list, file.data])}
      />
      <ul aria-label="Your photos">
        {photos.map((photo) => (
          <li key={photo.url}>
            <a href={photo.url}>{photo.alt}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}
