import { createImageKitClient } from "@upkit/server";
import { imagekitConfig } from "../../../lib/uploads";

export const dynamic = "force-dynamic";

const client = createImageKitClient(imagekitConfig);

/** The gallery: the files in the demo's gallery folder, newest first. */
export async function GET(): Promise<Response> {
  const files = await client.listFiles({ path: "/demo/gallery", sort: "DESC_CREATED", limit: 50 });
  return Response.json(
    files.map((file) => ({
      fileId: file.fileId,
      name: file.name,
      url: file.url,
      thumbnail: file.thumbnail,
      tags: file.tags ?? [],
      fileType: file.fileType,
    })),
  );
}
