import type { UploadHandler } from "./create-upload-handler";

/**
 * The App Router adapter: `export const { GET, POST, PATCH, HEAD, DELETE, OPTIONS } =
 * toNextHandlers(uploads)` in `app/api/upload/[[...upkit]]/route.ts`.
 */
export function toNextHandlers(
  handler: UploadHandler<never> | ((request: Request) => Promise<Response>),
) {
  const handle = (request: Request) => handler(request);
  return {
    GET: handle,
    POST: handle,
    PATCH: handle,
    HEAD: handle,
    DELETE: handle,
    OPTIONS: handle,
  };
}
