"use client";

import { useQuery } from "@tanstack/react-query";
import type { GalleryFile } from "../../lib/gallery-file";
import styles from "./gallery.module.css";
import { GalleryItem } from "./gallery-item";

export const GALLERY_QUERY_KEY = ["gallery"] as const;

/**
 * What is in the gallery and videos folders, from ImageKit (or the emulator), refreshed after each
 * upload.
 */
export function Gallery({ signedIn }: { signedIn: boolean }) {
  const { data, isPending, isError } = useQuery({
    queryKey: GALLERY_QUERY_KEY,
    queryFn: async (): Promise<GalleryFile[]> => {
      const response = await fetch("/api/files");
      if (!response.ok) throw new Error(`The gallery could not be loaded (${response.status})`);
      return response.json();
    },
  });
  if (isPending) return <p>Loading the gallery…</p>;
  if (isError) return <p role="alert">The gallery could not be loaded.</p>;
  if (data.length === 0) return <p>Nothing uploaded yet.</p>;
  return (
    <ul aria-label="Gallery" className={styles.grid}>
      {data.map((file) => (
        <GalleryItem key={file.fileId} file={file} signedIn={signedIn} />
      ))}
    </ul>
  );
}
