import { toNextHandlers } from "@upkit/server/next";
import { uploads } from "../../../../lib/uploads";

// The proxy streams request bodies: it needs the Node.js runtime.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const { GET, POST, PATCH, HEAD, DELETE, OPTIONS } = toNextHandlers(uploads);
