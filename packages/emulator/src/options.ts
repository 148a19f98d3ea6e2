import { resolve } from "node:path";

/** Everything the emulator can be told. Every field has a documented default. */
export interface EmulatorOptions {
  /** TCP port; `0` picks a free one. Default `4500` (env `EMULATOR_PORT`). */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (env `EMULATOR_HOST`). */
  host?: string;
  /** Where files and the SQLite database live. Default `.upkit-emulator` (env `EMULATOR_DIR`). */
  dataDir?: string;
  /** Default `private_emulator_key` (env `IMAGEKIT_PRIVATE_KEY`). */
  privateKey?: string;
  /** Default `public_emulator_key` (env `IMAGEKIT_PUBLIC_KEY`). */
  publicKey?: string;
  /**
   * Where files are served. Default `http://localhost:<port>/upkit-demo` (env
   * `IMAGEKIT_URL_ENDPOINT`); the emulator serves its file server under this URL's path.
   */
  urlEndpoint?: string;
  /**
   * The ImageKit plan whose upload limits apply (see `PLANS`): `free` (25 MB / 100 MB video),
   * `lite` (40 MB / 300 MB) or `pro` (50 MB / 2 GB). Default `lite` (env `EMULATOR_PLAN`).
   * `maxFileSize` / `maxVideoSize` override the plan's limits one by one.
   */
  plan?: PlanName;
  /**
   * Largest image, audio or other non-video file, bytes. Default: the plan's, 40 MB for `lite`
   * (env `EMULATOR_MAX_FILE_SIZE`).
   */
  maxFileSize?: number;
  /** Largest video file, bytes. Default: the plan's, 300 MB for `lite` (env `EMULATOR_MAX_VIDEO_SIZE`). */
  maxVideoSize?: number;
  /** Secret that signs webhooks. Default `whsec_emulator_secret` (env `IMAGEKIT_WEBHOOK_SECRET`). */
  webhookSecret?: string;
  /**
   * The account's webhook endpoint (as configured in ImageKit's dashboard): receives
   * `upload.pre-transform.*`, `upload.post-transform.*` and `file.*` events. Default none
   * (env `EMULATOR_WEBHOOK_URL`).
   */
  webhookUrl?: string;
  /** Sign webhooks the legacy way (`x-ik-signature`) instead of Standard Webhooks. Default false. */
  legacyWebhookSignature?: boolean;
  /** How long async work (remove-bg, post-transformations, video pre-transformations) takes, ms. Default 500. */
  asyncDelayMs?: number;
  /** Per-interval request limit of the management APIs (`/v1/...`); default none (not limited). */
  rateLimit?: { limit: number; intervalMs: number };
  /** Faults applied to matching requests, for tests. Default none. See `FaultRule`. */
  faults?: FaultRule[];
  /** Wait for response headers of a `file` URL download this long, ms. Default 8000 (as documented). */
  urlFetchTimeoutMs?: number;
  /** Log one line per request to stdout. Default false (the CLI turns it on). */
  log?: boolean;
}

/** One fault to inject: which requests it matches, what happens, how many times. */
export interface FaultRule {
  /** Match on method (default any) and a path prefix (default any). */
  method?: string;
  path?: string;
  /** Apply to this many matching requests, then drop the rule. Default unlimited. */
  times?: number;
  fault: Fault;
}

export interface Fault {
  /** Delay before anything is read or answered, ms. */
  latencyMs?: number;
  /** Answer with this status (5xx or 429) instead of handling the request. */
  status?: number;
  /** Destroy the connection after this many bytes of the request body were read. */
  resetAfterBytes?: number;
  /** Never answer: headers are not sent, the socket stays open until the client gives up. */
  stall?: boolean;
}

/**
 * ImageKit's plans and their upload limits, as its upload API reference states them today
 * (`@imagekit/nodejs` 7.11 `files.upload`: "On the free plan, the maximum upload file sizes are
 * 25MB for images, audio, and raw files and 100MB for videos. On the Lite paid plan, these limits
 * increase to 40MB ... and 300MB for videos, whereas on the Pro paid plan ... 50MB ... and 2GB").
 *
 * "MB" is read as SI, 1 MB = 1,000,000 bytes (emulator choice; ImageKit does not define the
 * unit): of the two readings it is the smaller limit, so a file the emulator takes is one ImageKit
 * takes under either reading, and it is the unit of `@upkit/core`'s `parseFileSize("25MB")`.
 */
export const PLANS = {
  free: { maxFileSize: 25_000_000, maxVideoSize: 100_000_000 },
  lite: { maxFileSize: 40_000_000, maxVideoSize: 300_000_000 },
  pro: { maxFileSize: 50_000_000, maxVideoSize: 2_000_000_000 },
} as const satisfies Record<string, { maxFileSize: number; maxVideoSize: number }>;

export type PlanName = keyof typeof PLANS;

export type ResolvedOptions = Required<
  Omit<EmulatorOptions, "webhookUrl" | "rateLimit" | "faults">
> & {
  webhookUrl: string | undefined;
  rateLimit: EmulatorOptions["rateLimit"];
  faults: FaultRule[];
};

export const DEFAULTS = {
  port: 4500,
  host: "127.0.0.1",
  dataDir: ".upkit-emulator",
  privateKey: "private_emulator_key",
  publicKey: "public_emulator_key",
  urlPath: "/upkit-demo",
  /** Lite: its 300 MB video limit is what the demo's video uploads are sized for. */
  plan: "lite",
  maxFileSize: PLANS.lite.maxFileSize,
  maxVideoSize: PLANS.lite.maxVideoSize,
  webhookSecret: "whsec_emulator_secret",
  asyncDelayMs: 500,
  urlFetchTimeoutMs: 8000,
} as const;

type Env = Record<string, string | undefined>;

const num = (value: string | undefined) =>
  value === undefined || value === "" ? undefined : Number(value);

function planOf(value: string | undefined): PlanName {
  if (value === undefined) return DEFAULTS.plan;
  if (Object.hasOwn(PLANS, value)) return value as PlanName;
  throw new Error(`Invalid emulator plan: ${value} (expected ${Object.keys(PLANS).join(", ")})`);
}

function size(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`Invalid emulator ${name}: ${value} (expected a number of bytes)`);
  return value;
}

/**
 * Options first, then the environment, then the defaults. Each size limit is its own option,
 * else its own variable, else the plan's (the plan: option, variable, `lite`).
 */
export function resolveOptions(
  options: EmulatorOptions = {},
  env: Env = process.env,
): ResolvedOptions {
  const port = options.port ?? num(env.EMULATOR_PORT) ?? DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`Invalid emulator port: ${port}`);
  const privateKey = options.privateKey ?? env.IMAGEKIT_PRIVATE_KEY ?? DEFAULTS.privateKey;
  const publicKey = options.publicKey ?? env.IMAGEKIT_PUBLIC_KEY ?? DEFAULTS.publicKey;
  if (!privateKey.startsWith("private_"))
    throw new Error('The private key must start with "private_"');
  if (!publicKey.startsWith("public_")) throw new Error('The public key must start with "public_"');
  const plan = planOf(options.plan ?? (env.EMULATOR_PLAN || undefined));
  return {
    port,
    host: options.host ?? env.EMULATOR_HOST ?? DEFAULTS.host,
    dataDir: resolve(options.dataDir ?? env.EMULATOR_DIR ?? DEFAULTS.dataDir),
    privateKey,
    publicKey,
    // Filled in once the port is known (port 0 picks one): see createEmulator.
    urlEndpoint: (options.urlEndpoint ?? env.IMAGEKIT_URL_ENDPOINT ?? "").replace(/\/+$/, ""),
    plan,
    maxFileSize: size(
      "maxFileSize",
      options.maxFileSize ?? num(env.EMULATOR_MAX_FILE_SIZE) ?? PLANS[plan].maxFileSize,
    ),
    maxVideoSize: size(
      "maxVideoSize",
      options.maxVideoSize ?? num(env.EMULATOR_MAX_VIDEO_SIZE) ?? PLANS[plan].maxVideoSize,
    ),
    webhookSecret: options.webhookSecret ?? env.IMAGEKIT_WEBHOOK_SECRET ?? DEFAULTS.webhookSecret,
    webhookUrl: options.webhookUrl ?? env.EMULATOR_WEBHOOK_URL,
    legacyWebhookSignature: options.legacyWebhookSignature ?? env.EMULATOR_LEGACY_WEBHOOKS === "1",
    asyncDelayMs: options.asyncDelayMs ?? num(env.EMULATOR_ASYNC_DELAY_MS) ?? DEFAULTS.asyncDelayMs,
    rateLimit: options.rateLimit,
    faults: [...(options.faults ?? [])],
    urlFetchTimeoutMs: options.urlFetchTimeoutMs ?? DEFAULTS.urlFetchTimeoutMs,
    log: options.log ?? false,
  };
}
