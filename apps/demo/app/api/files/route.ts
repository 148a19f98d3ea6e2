import { createImageKitClient } from "@upkit/server";
import type { GalleryFile } from "../../../lib/gallery-file";
import { imagekitConfig } from "../../../lib/uploads";

export const dynamic = "force-dynamic";

const client = createImageKitClient(imagekitConfig);

/** The gallery: the files in the demo's gallery folder, newest first. */
export async function GET(): Promise<Response> {
  const files = await client.listFiles({ path: "/demo/gallery", sort: "DESC_CREATED", limit: 50 });
  return Response.json(
    files.map(
      (file): GalleryFile => ({
        fileId: file.fileId,
        name: file.name,
        url: file.url,
        // "" when there is none (the emulator's videos): nothing to show, the gallery draws an icon.
        thumbnail: file.thumbnail || undefined,
        tags: file.tags ?? [],
        customMetadata: file.customMetadata ?? {},
        fileType: file.fileType,
        mime: file.mime,
      }),
    ),
  );
}
