"use client";

import { useQuery } from "@tanstack/react-query";

export const GALLERY_QUERY_KEY = ["gallery"] as const;

interface GalleryFile {
  fileId: string;
  name: string;
  url: string;
  thumbnail?: string;
  tags: string[];
  fileType: string;
}

/** What is in the gallery folder, from ImageKit (or the emulator), refreshed after each upload. */
export function Gallery() {
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
    <ul
      aria-label="Gallery"
      style={{ display: "flex", flexWrap: "wrap", gap: 12, listStyle: "none", padding: 0 }}
    >
      {data.map((file) => (
        <li key={file.fileId} style={{ width: 120 }}>
          <a href={file.url}>
            {file.thumbnail ? (
              // biome-ignore lint/performance/noImgElement: thumbnails come from ImageKit, already sized.
              <img
                src={file.thumbnail}
                alt={file.name}
                width={100}
                height={100}
                style={{ objectFit: "cover" }}
              />
            ) : (
              file.name
            )}
          </a>
          <div style={{ fontSize: 12, overflowWrap: "anywhere" }}>{file.name}</div>
          <div style={{ fontSize: 12 }}>{file.tags.join(", ")}</div>
        </li>
      ))}
    </ul>
  );
}
