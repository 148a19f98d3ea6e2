import { createImageKitClient } from "@upkit/server";
import type { GalleryFile } from "../../../lib/gallery-file";
import { imagekitConfig } from "../../../lib/uploads";

export const dynamic = "force-dynamic";

const client = createImageKitClient(imagekitConfig);

/** The folders the gallery shows: the gallery's own, and the large videos sent by tus. */
const FOLDERS = ["/demo/gallery", "/demo/videos"];
const LIMIT = 50;

/** The gallery: the files in the demo's gallery and videos folders, newest first. */
export async function GET(): Promise<Response> {
  const lists = await Promise.all(
    FOLDERS.map((path) => client.listFiles({ path, sort: "DESC_CREATED", limit: LIMIT })),
  );
  // ISO timestamps: their text order is their time order.
  const files = lists
    .flat()
    .sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? ""))
    .slice(0, LIMIT);
  return Response.json(
    files.map(
      (file): GalleryFile => ({
        fileId: file.fileId,
        name: file.name,
        url: file.url,
        thumbnail: file.thumbnail || videoThumbnail(file),
        tags: file.tags ?? [],
        customMetadata: file.customMetadata ?? {},
        fileType: file.fileType,
        mime: file.mime,
      }),
    ),
  );
}

/**
 * A video's first frame: ImageKit's `<url>/ik-thumbnail.jpg`, resized like image thumbnails (the
 * file object's `thumbnail` is empty for videos). Nothing for other files: the gallery draws an icon.
 */
function videoThumbnail(file: { url: string; mime?: string }): string | undefined {
  if (!file.mime?.startsWith("video/")) return undefined;
  return `${file.url.split("?")[0]}/ik-thumbnail.jpg?tr=w-100,h-100,c-at_max`;
}
