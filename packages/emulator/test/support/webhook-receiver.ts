import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

// biome-ignore lint/suspicious/noExplicitAny: tests read any field of what was posted.
type Json = any;

export interface Delivery {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The parsed body. */
  json: Json;
}

/**
 * A local endpoint for the emulator's webhooks: keeps every POST, answers 200, and checks each
 * one's Standard Webhooks signature the way ImageKit's SDK does (the secret's bytes as the key).
 */
export async function startWebhookReceiver(secret: string) {
  const deliveries: Delivery[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      deliveries.push({
        path: req.url ?? "/",
        headers: req.headers as Record<string, string>,
        body,
        json: JSON.parse(body),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const verifier = new Webhook(Buffer.from(secret).toString("base64"));
  return {
    url,
    deliveries,
    /** The verified events of `type` (all of them when no type is given). */
    events(type?: string): Json[] {
      return deliveries
        .filter((delivery) => delivery.json.type !== undefined)
        .map((delivery) => verifier.verify(delivery.body, delivery.headers) as Json)
        .filter((event) => type === undefined || event.type === type);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
