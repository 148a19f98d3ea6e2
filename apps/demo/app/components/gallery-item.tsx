"use client";

import type { ReactNode } from "react";
import type { GalleryFile } from "../../lib/gallery-file";
import { GALLERY_METADATA_FIELDS } from "../../lib/gallery-metadata-fields";
import styles from "./gallery.module.css";
import { ProcessingStateText } from "./processing-state-text";

/** Custom metadata as label and text, the gallery's own fields by their labels. */
function metadataEntries(metadata: Record<string, unknown>): [string, string, string][] {
  return Object.entries(metadata).map(([name, value]) => {
    const field = GALLERY_METADATA_FIELDS.find((candidate) => candidate.name === name);
    const max = field && "maxValue" in field.schema ? field.schema.maxValue : undefined;
    const text = Array.isArray(value) ? value.join(", ") : String(value);
    return [name, field?.label ?? name, max === undefined ? text : `${text} of ${max}`];
  });
}

/** One stored file: its thumbnail (or an icon), name, tags, custom metadata and processing. */
export function GalleryItem({ file, signedIn }: { file: GalleryFile; signedIn: boolean }) {
  const isVideo = file.mime?.startsWith("video/") ?? false;
  return (
    <li className={styles.item}>
      {file.thumbnail ? (
        <a href={file.url} className={styles.thumbnail}>
          {/* biome-ignore lint/performance/noImgElement: thumbnails come from ImageKit, already sized. */}
          <img src={file.thumbnail} alt={file.name} width={100} height={100} />
        </a>
      ) : (
        <a href={file.url} className={styles.thumbnail} aria-label={`Open ${file.name}`}>
          {isVideo ? <VideoIcon /> : <FileIcon />}
        </a>
      )}
      <p className={styles.name}>{file.name}</p>
      <dl className={styles.details}>
        <Detail label="Tags">{file.tags.length > 0 ? file.tags.join(", ") : "none"}</Detail>
        {metadataEntries(file.customMetadata).map(([name, label, text]) => (
          <Detail key={name} label={label}>
            {text}
          </Detail>
        ))}
        <Detail label="Post-transformations">
          <ProcessingStateText fileId={file.fileId} signedIn={signedIn} />
        </Detail>
      </dl>
    </li>
  );
}

// Every group in its own <div>: a <dl> may hold divs or dt/dd pairs, not both.
function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

// The emulator renders no frames of videos (ImageKit.io does): a video gets this instead.
function VideoIcon() {
  return (
    <svg viewBox="0 0 24 24" width="40" height="40" aria-hidden="true" data-icon="video">
      <rect x="2" y="5" width="15" height="14" rx="2" fill="none" stroke="currentColor" />
      <path d="M17 10l5-3v10l-5-3z" fill="currentColor" />
    </svg>
  );
}

function FileIcon() {
  return (
    <svg viewBox="0 0 24 24" width="40" height="40" aria-hidden="true" data-icon="file">
      <path d="M6 2h8l5 5v15H6z" fill="none" stroke="currentColor" />
      <path d="M14 2v5h5" fill="none" stroke="currentColor" />
    </svg>
  );
}
