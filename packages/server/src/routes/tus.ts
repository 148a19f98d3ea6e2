import type { Server } from "@tus/server";
import { UploadError } from "@upkit/core";
import type { RequestContext } from "../create-upload-handler";
import { authorize, countRequest, requireTransport } from "../handler/authorize";
import type { HandlerContext } from "../handler/handler-context";
import { errorResponse } from "../http/responses";
import { SNIFF_BYTES } from "../proxy/check-file-content";
import { checkStoredType } from "../tus/check-stored-type";
import { forwardedHead } from "../tus/forwarded-head";
import { checkOwner, ownedUpload } from "../tus/owned-upload";
import { ownerKey } from "../tus/owner-key";
import { readCreation, type UploadMetadata } from "../tus/read-creation";
import type { TusCall } from "../tus/tus-call";
import { tusResultRoute } from "./tus-result";

const UPLOAD_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * `{profile}/tus` (POST creates; OPTIONS discovers), `{profile}/tus/{id}` (HEAD, PATCH, DELETE)
 * and `GET {profile}/tus/{id}/result`. `parts` is the path after the base: `[profile, "tus", ...]`.
 * Everything but OPTIONS (a browser's preflight carries no credentials) is authorized first, and
 * every upload answers only its creator.
 */
export async function tusRoute(
  ctx: HandlerContext,
  request: Request,
  requestContext: RequestContext,
  parts: string[],
): Promise<Response> {
  const [profileName, , id, action] = parts as [string, string, string?, string?];
  const profile = ctx.profiles.get(profileName);
  if (!profile) throw new UploadError("not-found", `Unknown upload profile "${profileName}".`);
  requireTransport(profile, "tus");
  const tus = ctx.tus;
  if (!tus) throw new Error("A profile allows tus but the handler has no tus service");
  if (parts.length > 4 || (action !== undefined && action !== "result")) {
    throw new UploadError("not-found", "Not an upload route.");
  }
  if (id !== undefined && !UPLOAD_ID.test(id))
    throw new UploadError("not-found", "Unknown upload.");
  const method = request.method.toUpperCase();
  const server = tus.serverFor(ctx, profile);
  if (method === "OPTIONS") {
    if (action === undefined) return discover(server, request);
    return new Response(null, { status: 204, headers: { allow: "GET, OPTIONS" } });
  }
  allow(method, action ? ["GET"] : id ? ["PATCH", "HEAD", "DELETE"] : ["POST"]);

  // An upload counts once, at its creation: not each of its chunks, checks and result asks.
  const auth = await authorize(ctx, profile, request, requestContext, { count: id === undefined });
  const owner = await ownerKey(ctx.imagekit.privateKey, profile.name, auth);
  const call: TusCall = { ctx, tus, profile, request, auth, owner };
  if (id === undefined) return create(call, server);
  try {
    if (action) return await tusResultRoute(call, id);
    // A PATCH's upload is read again under its lock: its owner is checked without the disk.
    await (method === "PATCH" ? checkOwner(call, id) : ownedUpload(call, id));
  } catch (error) {
    if (!(error instanceof UploadError && error.code === "not-found")) throw error;
    const forwarded = method === "HEAD" ? await forwardedHead(call, id) : undefined;
    if (forwarded) return forwarded;
    // Guessing at ids is not free: each miss counts.
    await countRequest(ctx, profile, request, requestContext, auth);
    throw error;
  }
  return write(call, server, id);
}

/** tus's discovery answer, without the deferred length we refuse. */
async function discover(server: Server, request: Request): Promise<Response> {
  const response = await server.handleWeb(request);
  const extensions = response.headers.get("tus-extension");
  if (extensions) {
    const kept = extensions.split(",").filter((name) => name !== "creation-defer-length");
    response.headers.set("tus-extension", kept.join(","));
  }
  return response;
}

async function create(call: TusCall, server: Server): Promise<Response> {
  const metadata = await readCreation(call.request, call.profile, call.owner);
  call.tus.requests.set(call.request, { profile: call.profile, auth: call.auth, metadata });
  const response = await server.handleWeb(call.request);
  const id = response.headers.get("location")?.split("/").pop();
  return checked(call, response, id, 0);
}

async function write(call: TusCall, server: Server, id: string): Promise<Response> {
  call.tus.requests.set(call.request, { profile: call.profile, auth: call.auth, id });
  const offset = Number(call.request.headers.get("upload-offset") ?? Number.NaN);
  const response = await server.handleWeb(call.request);
  return checked(call, response, id, offset);
}

/**
 * tus's answer, unless a hook refused (then our JSON error), or the bytes just written are the
 * first {@link SNIFF_BYTES} of a wrong type (then the upload is removed: 415). The last chunk is
 * checked by the finish hook, before anything goes to ImageKit.
 */
async function checked(
  call: TusCall,
  response: Response,
  id: string | undefined,
  offsetBefore: number,
): Promise<Response> {
  const refusal = call.tus.requests.get(call.request)?.refusal;
  if (refusal) return withTusHeaders(errorResponse(refusal));
  const offset = Number(response.headers.get("upload-offset") ?? Number.NaN);
  // Only the request whose bytes reach past the sniffed head checks it, once.
  if (!response.ok || id === undefined || !(offset > offsetBefore && offsetBefore < SNIFF_BYTES)) {
    return response;
  }
  const upload = await call.tus.datastore.getUpload(id).catch(() => undefined);
  const size = upload?.size;
  if (!upload || size === undefined || offset >= size || offset < Math.min(SNIFF_BYTES, size)) {
    return response;
  }
  const metadata = upload.metadata as unknown as UploadMetadata;
  try {
    await checkStoredType(call.tus.datastore, id, metadata, call.profile.restrictions);
  } catch (error) {
    await call.tus.datastore.remove(id).catch(call.ctx.onError);
    throw error;
  }
  return response;
}

function allow(method: string, methods: string[]): void {
  if (!methods.includes(method)) {
    throw new UploadError("method-not-allowed", `Use ${methods.join(", ")} here.`);
  }
}

function withTusHeaders(response: Response): Response {
  response.headers.set("tus-resumable", "1.0.0");
  return response;
}
