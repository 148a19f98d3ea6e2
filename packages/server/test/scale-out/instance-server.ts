/**
 * One server instance of the scale-out tests, in its own process: the handler behind the node
 * adapter, its state in Redis (`redisState`), its tus uploads in a directory every instance
 * shares, pointed at the emulator. The kit bundles it with esbuild from `src` (and `@upkit/core`'s
 * `src`), so no build of the packages is needed. Configured by the environment:
 *
 * - `UPKIT_INSTANCE`: its name in the events it prints (`A`, `B`)
 * - `UPKIT_REDIS_URL`, `UPKIT_TUS_DIRECTORY`, `UPKIT_IMAGEKIT` (the JSON of an `imagekit` config),
 *   `UPKIT_WEBHOOK_SECRET`
 * - `UPKIT_LOCK_TTL_MS` (optional): `redisState`'s `lockTtlMs`, so that a lock whose holder was
 *   killed frees sooner than the default 10 s
 * - `UPKIT_RATE_LIMIT` (optional): the JSON `{ limit, windowMs }` of the `limited` profile
 *
 * Prints `listening <port>` once it serves, then one `event <json>` line per `onUploadComplete`,
 * `onWebhook` and reported error, and one per answered request that carries `x-request-id`:
 * the test's side channel to count what ran where.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { UploadError } from "@upkit/core";
import { createUploadHandler, defineProfile } from "../../src/index";
import { toNodeHandler } from "../../src/node";
import { redisState } from "../../src/redis";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is needed`);
  return value;
};
const instance = env("UPKIT_INSTANCE");
const lockTtlMs = process.env.UPKIT_LOCK_TTL_MS ? Number(process.env.UPKIT_LOCK_TTL_MS) : undefined;
const rateLimit = JSON.parse(
  process.env.UPKIT_RATE_LIMIT ?? '{ "limit": 5, "windowMs": 3600000 }',
) as { limit: number; windowMs: number };

/** What ran here, for the test: one JSON line on stdout. */
const emit = (event: Record<string, unknown>): void => {
  process.stdout.write(`event ${JSON.stringify({ instance, ...event })}\n`);
};

const describe = (error: unknown) => ({
  name: (error as Error)?.name,
  message: (error as Error)?.message ?? String(error),
});

/** Who is signed in comes from `x-user`, as a session cookie would say in an app. */
const signedIn = (request: Request) => {
  const user = request.headers.get("x-user");
  if (!user) throw new UploadError("unauthorized", "Sign in to upload.");
  return { user };
};

const uploads = createUploadHandler({
  imagekit: JSON.parse(env("UPKIT_IMAGEKIT")),
  state: redisState({
    url: env("UPKIT_REDIS_URL"),
    ...(lockTtlMs ? { lockTtlMs } : {}),
    onError: (error) => emit({ kind: "state-error", ...describe(error) }),
  }),
  tus: { directory: env("UPKIT_TUS_DIRECTORY") },
  webhook: {
    secret: env("UPKIT_WEBHOOK_SECRET"),
    onWebhook: (event) => emit({ kind: "webhook", id: event.id, type: event.type }),
  },
  onError: (error) => emit({ kind: "error", ...describe(error) }),
  profiles: {
    files: defineProfile({
      transports: ["tus"],
      restrictions: { maxFileSize: "20MB" },
      authorize: signedIn,
      rateLimit: false,
      options: () => ({ folder: "/scale-out" }),
      onUploadComplete: ({ ctx, file }) => {
        emit({ kind: "complete", profile: "files", fileId: file.fileId, user: ctx.user });
        return { size: file.size, completedBy: instance };
      },
    }),
    gallery: defineProfile({
      restrictions: { maxFileSize: "1MB", accept: ["image/*"] },
      authorize: signedIn,
      // Counted (in Redis) but never reached: `sign` and `complete` then need the state.
      rateLimit: { limit: 100_000, windowMs: 60_000 },
      options: ({ ctx }) => ({
        folder: `/gallery/${ctx.user}`,
        transformation: { post: [{ type: "thumbnail", value: "w-40,h-40" }] },
      }),
      onUploadComplete: ({ ctx, file }) => {
        emit({ kind: "complete", profile: "gallery", fileId: file.fileId, user: ctx.user });
        return { owner: ctx.user, completedBy: instance };
      },
    }),
    // Keyed by the client's address (the default): the test's requests share one budget.
    limited: defineProfile({ rateLimit }),
  },
});

const server = createServer(
  toNodeHandler(async (request, context) => {
    const response = await uploads(request, context);
    // After whatever the request ran: the test waits for this line to read the events above it.
    const requestId = request.headers.get("x-request-id");
    if (requestId) emit({ kind: "answered", requestId, status: response.status });
    return response;
  }),
);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
