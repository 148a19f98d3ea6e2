import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "../context";

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: EmulatorContext,
  params: Record<string, string>,
  url: URL,
) => Promise<void>;

export interface Route {
  method: string;
  /** `/v1/files/:fileId/details`: `:name` matches one path segment. */
  pattern: string;
  handler: Handler;
}

export interface Match {
  handler: Handler;
  params: Record<string, string>;
}

/** A tiny method + path router; the emulator has a dozen routes, no framework needed. */
export function createRouter(routes: Route[]) {
  const compiled = routes.map((route) => {
    const names: string[] = [];
    const source = route.pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { route, names, regex: new RegExp(`^${source}/?$`) };
  });

  return {
    /** The methods some route answers at this path (for a 405's `Allow` header). */
    allowed(pathname: string): string[] {
      const methods = compiled
        .filter(({ regex }) => regex.test(pathname))
        .map(({ route }) => route.method);
      return [...new Set(methods.includes("GET") ? [...methods, "HEAD"] : methods)];
    },
    /** The matching route, `"method"` when only the method differs, or undefined. */
    match(method: string, pathname: string): Match | "method" | undefined {
      let pathMatched = false;
      for (const { route, names, regex } of compiled) {
        const found = regex.exec(pathname);
        if (!found) continue;
        pathMatched = true;
        if (route.method !== method && !(route.method === "GET" && method === "HEAD")) continue;
        const params: Record<string, string> = {};
        names.forEach((name, i) => {
          params[name] = decodeURIComponent(found[i + 1] as string);
        });
        return { handler: route.handler, params };
      }
      return pathMatched ? "method" : undefined;
    },
  };
}
