/** One file of the gallery, as `GET /api/files` answers it. */
export interface GalleryFile {
  fileId: string;
  name: string;
  url: string;
  /** A small image of the file, when ImageKit has one (the emulator renders images only). */
  thumbnail?: string;
  tags: string[];
  customMetadata: Record<string, unknown>;
  /** `image` or `non-image`, as ImageKit classifies it; `mime` tells a video from the rest. */
  fileType: string;
  mime?: string;
}
