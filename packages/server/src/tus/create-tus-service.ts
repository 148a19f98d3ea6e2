import { MemoryLocker, Server, type Upload } from "@tus/server";
import { UploadError } from "@upkit/core";
import type { HandlerContext } from "../handler/handler-context";
import type { ResolvedProfile } from "../handler/resolve-profiles";
import type { SharedState } from "../state/state-store";
import { StateUnavailableError } from "../state/state-unavailable";
import { CachingFileStore } from "./caching-file-store";
import { forwardFinishedUpload } from "./forward-finished-upload";
import type { UploadMetadata } from "./read-creation";
import { sweepExpiredUploads } from "./sweep-expired-uploads";
import {
  DEFAULT_TUS_DIRECTORY,
  DEFAULT_TUS_EXPIRES_IN,
  type ReadableDataStore,
  type TusOptions,
} from "./tus-options";

/** What the tus route knows of a request it hands to tus: the hooks read it back by the Request. */
export interface TusRequest {
  profile: ResolvedProfile;
  auth: unknown;
  /** The upload the route checked the caller owns (HEAD, PATCH, DELETE): tus acts on it alone. */
  id?: string;
  /** Set on creation: the metadata to store. */
  metadata?: UploadMetadata;
  /** Set by a hook that refused: answered as our JSON error instead of tus's text. */
  refusal?: UploadError;
}

/** The resumable-upload side of the handler: one tus store, one tus server per profile. */
export interface TusService {
  datastore: ReadableDataStore;
  requests: WeakMap<Request, TusRequest>;
  serverFor(ctx: HandlerContext, profile: ResolvedProfile): Server;
  /** Removes expired uploads (incomplete, or finished and abandoned); returns how many. */
  cleanUpExpiredUploads(): Promise<number>;
}

/** The header on the last PATCH's answer: ImageKit's result comes from the result route. */
export const RESULT_HEADER = "Upkit-Result";

export function createTusService(
  options: TusOptions,
  { store, onError }: Pick<HandlerContext, "store" | "onError">,
  shared: Pick<SharedState, "tusLocker" | "tusConfigstore"> = {},
): TusService {
  const expiresIn = options.expiresIn ?? DEFAULT_TUS_EXPIRES_IN;
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new Error("tus.expiresIn must be a positive number of seconds");
  }
  const datastore =
    options.datastore ??
    (new CachingFileStore({
      directory: options.directory ?? DEFAULT_TUS_DIRECTORY,
      expirationPeriodInMilliseconds: expiresIn * 1000,
      ...(shared.tusConfigstore ? { configstore: shared.tusConfigstore } : {}),
    }) as ReadableDataStore);
  const locker = options.locker ?? shared.tusLocker ?? new MemoryLocker();
  const requests = new WeakMap<Request, TusRequest>();
  const servers = new Map<string, Server>();
  const cleanUpExpiredUploads = () => sweepExpiredUploads(datastore, store, expiresIn * 1000);
  // Between a minute and an hour: a sweep per expiry period, never a busy loop.
  const sweepMs = Math.min(Math.max(expiresIn, 60), 3600) * 1000;
  setInterval(() => cleanUpExpiredUploads().catch(onError), sweepMs).unref();

  return {
    datastore,
    requests,
    cleanUpExpiredUploads,
    serverFor(ctx, profile) {
      let server = servers.get(profile.name);
      if (!server) {
        server = createServer(ctx, profile, { datastore, locker, requests });
        servers.set(profile.name, server);
      }
      return server;
    },
  };
}

function createServer(
  ctx: HandlerContext,
  profile: ResolvedProfile,
  shared: Pick<TusService, "datastore" | "requests"> & { locker: TusOptions["locker"] },
): Server {
  const { datastore, requests, locker } = shared;
  return new Server({
    path: `${ctx.basePath}/${profile.name}/tus`,
    datastore,
    ...(locker ? { locker } : {}),
    // The path alone: right behind any proxy, and tus-js-client resolves it against its endpoint.
    relativeLocation: true,
    maxSize: profile.restrictions.maxFileSize ?? 0,
    // A finished upload is being read by the forward: only the forward removes it.
    disableTerminationForFinishedUploads: true,
    exposedHeaders: [RESULT_HEADER],
    // tus would take the id from the end of the whole URL, query and fragment included
    // (`/tus/mine?/theirs`): it gets the id whose owner the route checked, or none (404).
    getFileIdFromRequest: (req) => requests.get(req as Request)?.id,
    // tus answers an error of ours (the shared state out of reach, a bug) with a 500 whose text
    // carries the error's message: the route answers our JSON error instead, saying nothing more.
    onResponseError(req, error) {
      if ("status_code" in error) return;
      const state = requests.get(req as Request);
      const refusal = serverFault(error, ctx.onError);
      if (state) state.refusal = refusal;
      return { status_code: refusal.status ?? 500, body: refusal.message };
    },
    async onUploadCreate(req) {
      return { metadata: { ...requests.get(req as Request)?.metadata } };
    },
    async onUploadFinish(req, upload) {
      const state = requests.get(req as Request);
      if (!state) throw new Error("A tus request reached tus without the upload route");
      await finishTusUpload(ctx, datastore, state, req as Request, upload);
      return { headers: { [RESULT_HEADER]: "pending" } };
    },
  });
}

function serverFault(error: unknown, onError: (error: unknown) => void): UploadError {
  if (error instanceof StateUnavailableError) {
    const message = "Uploads are briefly unavailable; try again shortly.";
    return new UploadError("service-unavailable", message, { retryAfter: 1 });
  }
  onError(error);
  return new UploadError("internal-error", "Something went wrong on the server.");
}

/** The last byte is stored: checks the bytes, then starts forwarding them to ImageKit. */
async function finishTusUpload(
  ctx: HandlerContext,
  datastore: ReadableDataStore,
  state: TusRequest,
  request: Request,
  upload: Upload,
): Promise<void> {
  const { profile, auth } = state;
  try {
    await forwardFinishedUpload(ctx, datastore, { upload, profile, auth, request });
  } catch (error) {
    state.refusal = error as UploadError;
    // tus answers with this status; the route turns it into our JSON error.
    throw { status_code: state.refusal.status ?? 400, body: state.refusal.message };
  }
}
