import { type Transport, UploadError } from "@upkit/core";
import type { RequestContext } from "../create-upload-handler";
import { authorize, countRequest, requireTransport } from "../handler/authorize";
import type { HandlerContext } from "../handler/handler-context";
import type { ResolvedProfile } from "../handler/resolve-profiles";
import { completeRoute } from "./complete";
import { configRoute } from "./config";
import { proxyRoute } from "./proxy";
import { signRoute } from "./sign";
import { statusRoute } from "./status";
import { tusRoute } from "./tus";
import { webhookRoute } from "./webhook";

interface Route<TRun> {
  /** The first is the one a refusal names. */
  methods: readonly string[];
  run: TRun;
  /** How a refusal names the route; default its path segment. */
  label?: string;
  /** The transport the profile must allow for this route. */
  transport?: Transport;
  /** False: the route counts the request against the rate limit itself, when it should. */
  counted?: boolean;
}

type TopLevelRun = (ctx: HandlerContext, request: Request) => Promise<Response>;
/** A profile's route, run once the caller is authorized: `auth` is what `authorize` returned. */
export type ProfileRun = (
  ctx: HandlerContext,
  profile: ResolvedProfile,
  request: Request,
  auth: unknown,
  /** Counts the request against the rate limit (for a route that is not `counted`). */
  count: () => Promise<void>,
) => Promise<Response>;

// Maps, not object literals: a name from the URL must never find `constructor` or `__proto__`.

/** `{basePath}/{name}` */
const topLevelRoutes = new Map<string, Route<TopLevelRun>>([
  ["config", { methods: ["GET", "HEAD"], run: configRoute }],
  ["webhook", { methods: ["POST"], run: webhookRoute, label: "webhooks" }],
]);

/** `{basePath}/{profile}/{name}` */
const profileRoutes = new Map<string, Route<ProfileRun>>([
  ["sign", { methods: ["POST"], run: signRoute, transport: "direct" }],
  // Any transport: a proxy or tus upload that ImageKit queued completes here too. Only this
  // profile's completion token, which sign, proxy and tus alone hand out, gets past it.
  ["complete", { methods: ["POST"], run: completeRoute, counted: false }],
  ["proxy", { methods: ["POST"], run: proxyRoute, transport: "proxy" }],
  ["status", { methods: ["GET"], run: statusRoute }],
]);

/** Finds the route a request is for and runs it; an unknown route or method throws. */
export async function routeRequest(
  ctx: HandlerContext,
  request: Request,
  requestContext: RequestContext,
): Promise<Response> {
  const { pathname } = new URL(request.url);
  const { basePath } = ctx;
  if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) {
    throw new UploadError("not-found", `Not an upload route: ${pathname}`);
  }
  const parts = pathname.slice(basePath.length).split("/").filter(Boolean);
  const method = request.method.toUpperCase();
  // tus paths answer every method (OPTIONS included) as tus does.
  if (parts.length >= 2 && parts[1] === "tus") return tusRoute(ctx, request, requestContext, parts);
  if (method === "OPTIONS")
    return new Response(null, { status: 204, headers: { allow: "GET, POST, OPTIONS" } });
  if (parts.length === 1) {
    const [name] = parts as [string];
    const route = topLevelRoutes.get(name);
    if (route) return allowed(route, name, method).run(ctx, request);
  }
  if (parts.length === 2) {
    const [profileName, name] = parts as [string, string];
    const profile = ctx.profiles.get(profileName);
    if (!profile) throw new UploadError("not-found", `Unknown upload profile "${profileName}".`);
    const route = profileRoutes.get(name);
    if (!route) throw new UploadError("not-found", `Unknown action "${name}".`);
    const { run, transport, counted = true } = allowed(route, name, method);
    if (transport) requireTransport(profile, transport);
    // Every profile route authorizes first: nothing is read, signed or sent before.
    const auth = await authorize(ctx, profile, request, requestContext, { count: counted });
    const count = () => countRequest(ctx, profile, request, requestContext, auth);
    return run(ctx, profile, request, auth, count);
  }
  throw new UploadError("not-found", `Not an upload route: ${pathname}`);
}

function allowed<TRun>(route: Route<TRun>, name: string, method: string): Route<TRun> {
  if (!route.methods.includes(method)) {
    throw new UploadError(
      "method-not-allowed",
      `Use ${route.methods[0]} for ${route.label ?? name}.`,
    );
  }
  return route;
}
