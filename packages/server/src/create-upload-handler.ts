import {
  type CompleteResponse,
  type ConfigResponse,
  checkFiles,
  completeRequestSchema,
  type FileInfo,
  fileInfoSchema,
  type PublicRestrictions,
  resolveRestrictions,
  type SignedUpload,
  signRequestSchema,
  type Transport,
  toImageKitFields,
  UploadError,
  type UploadResult,
  uploadOptionsSchema,
} from "@upkit/core";
import { createCompletionRecord } from "./completion-record";
import { readBodyText } from "./http/read-body-text";
import { readJsonBody } from "./http/read-json-body";
import { errorResponse, json } from "./http/responses";
import { createImageKitClient } from "./imagekit/create-imagekit-client";
import type { ImageKitClient } from "./imagekit/imagekit-client-types";
import { type ImageKitConfig, readImageKitConfig } from "./imagekit/imagekit-config";
import { ProcessingTracker, stepKey } from "./processing-tracker";
import type { AnyProfile, RateLimit } from "./profile";
import { streamProxyUpload } from "./proxy/stream-proxy-upload";
import { clientAddress, RateLimiter, type TrustProxy } from "./rate-limiter";
import { acceptToChecks } from "./signing/accept-to-checks";
import { bindUpload } from "./signing/bind-upload";
import { createCompletionToken, hashInput, readCompletionToken } from "./signing/completion-token";
import { type SigningScheme, signUpload } from "./signing/sign-upload";
import { createMemoryStore } from "./state/memory-store";
import type { StateStore } from "./state/state-store";
import { validateInput } from "./validate-input";
import { verifyDirectUpload } from "./verify-direct-upload";
import { verifyWebhook } from "./webhooks/verify-webhook";
import type { WebhookEvent } from "./webhooks/webhook-event";

export interface UploadHandlerConfig<TProfiles extends Record<string, AnyProfile>> {
  /** ImageKit account; each field falls back to its `IMAGEKIT_*` environment variable. */
  imagekit?: Partial<ImageKitConfig>;
  profiles: TProfiles;
  /** Where the route is mounted (a catch-all). Default `/api/upload`. */
  basePath?: string;
  /** `v2` (default): a JWT binding every option; `v1`: ImageKit's token + expire signature. */
  signing?: SigningScheme;
  /** Lifetime of a direct-upload signature in seconds: at most 3600; default 300. */
  expiresIn?: number;
  webhook?: {
    /** Default `IMAGEKIT_WEBHOOK_SECRET`. */
    secret?: string;
    onWebhook: (event: WebhookEvent, request: Request) => void | Promise<void>;
    /** Oldest accepted webhook timestamp, seconds. Default 300. */
    toleranceSeconds?: number;
  };
  /**
   * Whether to read the client's address from `X-Forwarded-For` (for the default rate-limit key).
   * Set it only behind a proxy or platform that writes that header: `true` (one proxy) or the
   * number of proxies in front. Default `false`: the header is the client's to forge.
   */
  trustProxy?: TrustProxy;
  /**
   * What the handler remembers between requests (used completion tokens, delivered webhooks).
   * Default: this process's memory. Behind several instances, pass one shared store.
   */
  store?: StateStore;
  /** Where unexpected errors are reported (never with the private key). Default `console.error`. */
  onError?: (error: unknown) => void;
  /** For tests: the ImageKit client to use instead of one built from `imagekit`. */
  client?: ImageKitClient;
}

/** The route handler, with the profiles' types kept for the client (a type-only import). */
export type UploadHandler<
  TProfiles extends Record<string, AnyProfile> = Record<string, AnyProfile>,
> = ((request: Request, context?: RequestContext) => Promise<Response>) & {
  /** Type-level only: lets `createUploader<typeof handler>()` infer profiles, input and data. */
  readonly $profiles: TProfiles;
};

/** What an adapter knows of a request beyond the `Request` itself. */
export interface RequestContext {
  /** The peer's address (the socket's), when the runtime exposes it. */
  clientAddress?: string;
}

/** A JSON body checked against its protocol schema; a mismatch is a 400 naming the first issue. */
async function readBody<T>(
  request: Request,
  schema: {
    safeParse(
      value: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
  },
  action: string,
): Promise<T> {
  const body = schema.safeParse(await readJsonBody(request));
  if (!body.success) {
    throw new UploadError(
      "bad-request",
      `Invalid ${action} request: ${body.error.issues[0]?.message}`,
    );
  }
  return body.data;
}

/** The post-transformations the decided fields ask for, as `type:value` keys. */
function postTransformationSteps(fields: Record<string, string>): string[] {
  if (!fields.transformation) return [];
  const { post } = JSON.parse(fields.transformation) as {
    post?: { type: string; value?: string }[];
  };
  return (post ?? []).map(stepKey);
}

/**
 * The restrictions as ImageKit `checks`. The size in whole kB rounded up, the documented unit
 * form: never stricter than the profile's limit (whether ImageKit counts kB as 1000 or 1024
 * bytes); `complete` checks the exact size. The type by the MIME ImageKit detects.
 */
function restrictionChecks(restrictions: PublicRestrictions): string | undefined {
  const checks = [acceptToChecks(restrictions.accept)];
  if (restrictions.maxFileSize !== undefined) {
    checks.push(`"file.size" <= "${Math.ceil(restrictions.maxFileSize / 1000)}kb"`);
  }
  return checks.filter(Boolean).join(" AND ") || undefined;
}

// Generous: the engine makes two requests a file (sign, complete), and a user may drop a folder.
const DEFAULT_RATE_LIMIT = { limit: 300, windowMs: 60_000 };

/**
 * One handler for every route of the kit under `basePath`:
 * `GET config`, `POST {profile}/sign`, `POST {profile}/proxy`, `POST {profile}/complete` and
 * `POST webhook`. Configuration errors (a missing key, a bad restriction) throw here, at start.
 */
export function createUploadHandler<const TProfiles extends Record<string, AnyProfile>>(
  config: UploadHandlerConfig<TProfiles>,
): UploadHandler<TProfiles> {
  const imagekit = readImageKitConfig(config.imagekit);
  const client = config.client ?? createImageKitClient(imagekit);
  const basePath = `/${(config.basePath ?? "/api/upload").replace(/^\/+|\/+$/g, "")}`;
  const signing = config.signing ?? "v2";
  const expiresIn = config.expiresIn ?? 300;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 3600) {
    throw new Error(
      "expiresIn must be a whole number of seconds from 1 to 3600 (ImageKit's limit)",
    );
  }
  const tracker = new ProcessingTracker();
  const store = config.store ?? createMemoryStore();
  const trustProxy = config.trustProxy ?? false;
  const onError = config.onError ?? ((error: unknown) => console.error("upkit:", error));

  const profiles = new Map(
    Object.entries(config.profiles).map(([name, profile]) => {
      if (!/^[A-Za-z0-9_-]+$/.test(name))
        throw new Error(`Invalid profile name "${name}": use letters, digits, _ and -`);
      const transports = profile.transports ?? ["direct"];
      const restrictions = resolveRestrictions(profile.restrictions);
      const limit: RateLimit<unknown> | undefined =
        profile.rateLimit === false ? undefined : (profile.rateLimit ?? DEFAULT_RATE_LIMIT);
      return [
        name,
        {
          name,
          profile,
          transports,
          restrictions,
          checks: restrictionChecks(restrictions),
          limiter: limit && new RateLimiter(limit.limit, limit.windowMs),
          rateKey: limit?.key,
        },
      ] as const;
    }),
  );
  type Entry = NonNullable<ReturnType<typeof profiles.get>>;

  const configBody: ConfigResponse = {
    profiles: Object.fromEntries(
      [...profiles].map(([name, p]) => [
        name,
        { restrictions: p.restrictions, transports: p.transports },
      ]),
    ),
  };

  async function authorize(
    entry: Entry,
    request: Request,
    context: RequestContext,
  ): Promise<unknown> {
    let ctx: unknown;
    try {
      ctx = entry.profile.authorize ? await entry.profile.authorize(request) : undefined;
    } catch (error) {
      if (error instanceof UploadError) throw error;
      // A refusal's own message may say more than the user should see: keep it generic.
      throw new UploadError("forbidden", "You are not allowed to upload here.", { cause: error });
    }
    const retryAfter = entry.limiter?.hit(
      entry.rateKey
        ? entry.rateKey(request, ctx)
        : clientAddress(request, trustProxy, context.clientAddress),
    );
    if (retryAfter !== undefined) {
      throw new UploadError("rate-limited", "Too many uploads; try again shortly.", { retryAfter });
    }
    return ctx;
  }

  async function decideFields(
    entry: Entry,
    ctx: unknown,
    input: unknown,
    file: FileInfo,
  ): Promise<Record<string, string>> {
    const decided = entry.profile.options ? await entry.profile.options({ ctx, input, file }) : {};
    const parsed = uploadOptionsSchema.safeParse({ fileName: file.name, ...decided });
    if (!parsed.success) {
      // The profile's own options are wrong: a bug on the server, not the user's fault.
      throw new Error(
        `Profile "${entry.name}" returned invalid ImageKit options: ${parsed.error.message}`,
      );
    }
    const fields = toImageKitFields(parsed.data);
    // ImageKit itself enforces the profile's limits on direct uploads, whatever the browser
    // claims or skips: bound into the signed `checks` (v2; v1 cannot bind them, `complete` does).
    if (entry.checks) {
      fields.checks = fields.checks ? `(${fields.checks}) AND ${entry.checks}` : entry.checks;
    }
    return fields;
  }

  function requireTransport(entry: Entry, transport: Transport): void {
    if (!entry.transports.includes(transport)) {
      throw new UploadError(
        "forbidden",
        `Profile "${entry.name}" does not allow ${transport} uploads.`,
      );
    }
  }

  function rejectFiles(restrictions: PublicRestrictions, files: FileInfo[]): void {
    const rejections = checkFiles(restrictions, files);
    const first = rejections.find((r) => r !== undefined);
    if (first) throw new UploadError(first.code, first.message, { data: { rejections } });
  }

  async function sign(entry: Entry, request: Request, context: RequestContext): Promise<Response> {
    requireTransport(entry, "direct");
    const ctx = await authorize(entry, request, context);
    const body = await readBody(request, signRequestSchema, "sign");
    const input = await validateInput(entry.profile.input, body.input);
    rejectFiles(entry.restrictions, body.files);
    const inputHash = await hashInput(body.input);
    const files: SignedUpload[] = [];
    for (const file of body.files) {
      const { fields, binding } = bindUpload(await decideFields(entry, ctx, input, file));
      const signed = await signUpload(imagekit, signing, fields, expiresIn);
      const completionToken = await createCompletionToken(
        imagekit,
        { profile: entry.name, binding, fields, inputHash, file },
        expiresIn,
      );
      files.push({ ...signed, completionToken });
    }
    return json({ files });
  }

  async function complete(
    entry: Entry,
    request: Request,
    context: RequestContext,
  ): Promise<Response> {
    requireTransport(entry, "direct");
    const ctx = await authorize(entry, request, context);
    const body = await readBody(request, completeRequestSchema, "complete");
    const claims = await readCompletionToken(imagekit, body.completionToken, entry.name);
    if ((await hashInput(body.input)) !== claims.inputHash) {
      throw new UploadError(
        "bad-request",
        "The input differs from the one the upload was signed with.",
      );
    }
    const input = await validateInput(entry.profile.input, body.input);
    const record = createCompletionRecord(store, claims.binding.id, body.fileId, claims.expiresAt);
    const previous = await record.previous();
    if (previous) return json(previous);
    const file = await verifyDirectUpload({
      client,
      restrictions: entry.restrictions,
      claims,
      fileId: body.fileId,
      signal: request.signal,
    });
    const concurrent = await record.claim();
    if (concurrent) return json(concurrent);
    try {
      const answer = await finish(entry, ctx, input, file, request, claims.fields);
      await record.done(answer);
      return json(answer);
    } catch (error) {
      await record.release();
      throw error;
    }
  }

  async function proxy(entry: Entry, request: Request, context: RequestContext): Promise<Response> {
    requireTransport(entry, "proxy");
    const ctx = await authorize(entry, request, context);
    let input: unknown;
    const fields: Record<string, string> = {};
    const file = await streamProxyUpload({
      request,
      restrictions: entry.restrictions,
      client,
      signal: request.signal,
      prepare: async ({ fields, file: declared }) => {
        let raw: unknown;
        try {
          raw =
            fields.input === undefined || fields.input === ""
              ? undefined
              : JSON.parse(fields.input);
        } catch {
          throw new UploadError("bad-request", "The input field is not valid JSON.");
        }
        input = await validateInput(entry.profile.input, raw);
        const info = fileInfoSchema.safeParse({
          name: declared.name,
          size: declared.size ?? 0,
          type: declared.type,
        });
        if (!info.success)
          throw new UploadError("bad-request", `Invalid file: ${info.error.issues[0]?.message}`);
        fields = await decideFields(entry, ctx, input, info.data);
        return fields;
      },
    });
    return json(await finish(entry, ctx, input, file, request, fields));
  }

  async function finish(
    entry: Entry,
    ctx: unknown,
    input: unknown,
    file: UploadResult,
    request: Request,
    fields: Record<string, string>,
  ): Promise<CompleteResponse> {
    const data = entry.profile.onUploadComplete
      ? await entry.profile.onUploadComplete({ ctx, input, file, request })
      : undefined;
    // Post-transformations finish later; their progress is known only through webhooks.
    const steps = postTransformationSteps(fields);
    const processing =
      config.webhook && steps.length > 0 ? tracker.track(file.fileId, steps) : undefined;
    return { file, data: data ?? null, ...(processing ? { processing } : {}) };
  }

  async function status(
    entry: Entry,
    request: Request,
    context: RequestContext,
  ): Promise<Response> {
    await authorize(entry, request, context);
    const fileId = new URL(request.url).searchParams.get("fileId");
    if (!fileId || !/^[A-Za-z0-9_-]{1,64}$/.test(fileId))
      throw new UploadError("bad-request", "Pass ?fileId=.");
    return json(tracker.get(fileId));
  }

  async function webhook(request: Request): Promise<Response> {
    if (!config.webhook) throw new UploadError("not-found", "Webhooks are not configured.");
    const secret = config.webhook.secret ?? process.env.IMAGEKIT_WEBHOOK_SECRET;
    if (!secret)
      throw new Error(
        "IMAGEKIT_WEBHOOK_SECRET is not set (pass webhook.secret or set the variable)",
      );
    const toleranceSeconds = config.webhook.toleranceSeconds ?? 300;
    const event = await verifyWebhook(
      await readBodyText(request, WEBHOOK_LIMIT),
      request.headers,
      secret,
      {
        toleranceSeconds,
      },
    );
    // A replay of a delivered webhook (same id, within the window) is acknowledged, not run
    // again. The id is signed in both schemes: the header in Standard Webhooks, the body in legacy.
    const id = request.headers.get("webhook-id") ?? event.id;
    const key = `upkit:webhook:${id}`;
    if (!(await store.setIfAbsent(key, "1", 2 * toleranceSeconds * 1000))) {
      return json({ received: true, duplicate: true });
    }
    try {
      followProcessing(event);
      await config.webhook.onWebhook(event, request);
    } catch (error) {
      // Not delivered after all: ImageKit's retry must be able to run it.
      await store.delete(key);
      throw error;
    }
    return json({ received: true });
  }

  /** Settles a post-transformation the browser may be polling `status` for. */
  function followProcessing(event: WebhookEvent): void {
    const settled = WEBHOOK_OUTCOMES.get(event.type);
    const { fileId } = (event.data ?? {}) as { fileId?: unknown };
    const step = (
      event.request as { transformation?: { type?: unknown; value?: unknown } } | undefined
    )?.transformation;
    if (settled && typeof fileId === "string" && typeof step?.type === "string") {
      tracker.settle(
        fileId,
        stepKey({
          type: step.type,
          value: typeof step.value === "string" ? step.value : undefined,
        }),
        settled,
      );
    }
  }

  type Action = (entry: Entry, request: Request, context: RequestContext) => Promise<Response>;
  // Maps, not object literals: a name from the URL must never find `constructor` or `__proto__`.
  const actions = new Map<string, [method: string, run: Action]>([
    ["sign", ["POST", sign]],
    ["complete", ["POST", complete]],
    ["proxy", ["POST", proxy]],
    ["status", ["GET", status]],
  ]);

  async function route(request: Request, context: RequestContext): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) {
      throw new UploadError("not-found", `Not an upload route: ${pathname}`);
    }
    const parts = pathname.slice(basePath.length).split("/").filter(Boolean);
    const method = request.method.toUpperCase();
    if (method === "OPTIONS")
      return new Response(null, { status: 204, headers: { allow: "GET, POST, OPTIONS" } });
    if (parts.length === 1 && parts[0] === "config") {
      if (method !== "GET" && method !== "HEAD")
        throw new UploadError("method-not-allowed", "Use GET for config.");
      return json(configBody);
    }
    if (parts.length === 1 && parts[0] === "webhook") {
      if (method !== "POST") throw new UploadError("method-not-allowed", "Use POST for webhooks.");
      return webhook(request);
    }
    if (parts.length === 2) {
      const [name, action] = parts as [string, string];
      const entry = profiles.get(name);
      if (!entry) throw new UploadError("not-found", `Unknown upload profile "${name}".`);
      const known = actions.get(action);
      if (!known) throw new UploadError("not-found", `Unknown action "${action}".`);
      const [allowed, run] = known;
      if (method !== allowed)
        throw new UploadError("method-not-allowed", `Use ${allowed} for ${action}.`);
      return run(entry, request, context);
    }
    throw new UploadError("not-found", `Not an upload route: ${pathname}`);
  }

  const handler = async (request: Request, context: RequestContext = {}): Promise<Response> => {
    try {
      return await route(request, context);
    } catch (error) {
      if (error instanceof UploadError) {
        if (error.code === "internal-error") onError(error);
        return errorResponse(error);
      }
      onError(error);
      return errorResponse(
        new UploadError("internal-error", "Something went wrong on the server."),
      );
    }
  };
  return handler as UploadHandler<TProfiles>;
}

/** ImageKit's webhooks carry one event (a file object at most): far below this. */
const WEBHOOK_LIMIT = 1024 * 1024;

/** What a post-transformation webhook says of its step. */
const WEBHOOK_OUTCOMES = new Map<string, "done" | "failed">([
  ["upload.post-transform.success", "done"],
  ["upload.post-transform.error", "failed"],
]);
