import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;

/**
 * A tiny cross-origin HTTP server for jsdom tests: jsdom's XMLHttpRequest really goes over the
 * network and enforces CORS, so every answer allows any origin, and preflights are answered.
 */
export async function startCorsServer() {
  const routes = new Map<string, Handler>();
  const server = createServer((request, response) => {
    response.setHeader("access-control-allow-origin", "*");
    response.setHeader("access-control-expose-headers", "retry-after, x-ratelimit-reset");
    // An upload progress listener (or a JSON body) makes the browser preflight the request.
    if (request.method === "OPTIONS") {
      response
        .writeHead(204, {
          "access-control-allow-methods": "POST",
          "access-control-allow-headers": "content-type",
        })
        .end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const handler = routes.get(request.url ?? "");
      if (handler) handler(request, response, Buffer.concat(chunks));
      else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routes,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export function json(response: ServerResponse, status: number, body: unknown, headers = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** The part names of a multipart body, in order. */
export function partNames(body: Buffer): string[] {
  return [
    ...body.toString("latin1").matchAll(/content-disposition: form-data; name="([^"]+)"/gi),
  ].map((match) => match[1] ?? "");
}

/** The text value of one part of a multipart body. */
export function partValue(body: Buffer, name: string): string | undefined {
  const text = body.toString("latin1");
  const match = new RegExp(
    `name="${name}"[^\\r]*\\r\\n(?:[^\\r]+\\r\\n)*\\r\\n([\\s\\S]*?)\\r\\n--`,
  ).exec(text);
  return match?.[1];
}
