import type { IncomingMessage } from "node:http";
import { ImageKitError } from "./imagekit-error";

const LIMIT = 1024 * 1024;

/** Reads a JSON request body of the management APIs (small by nature: capped at 1 MB). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > LIMIT) throw new ImageKitError(413, "Request body too large.");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ImageKitError(400, "Your request contains invalid JSON body.");
  }
}
