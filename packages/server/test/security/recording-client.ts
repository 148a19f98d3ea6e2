import type { Answer, SendInit } from "./harness";
import { type RawOptions, rawExchange } from "./raw-http";

/** Every answer a target's client received, for the checks that run after each case. */
export type AnswerLog = { what: string; status: number; headers: string; text: string }[];

/**
 * The client of a security target on `port`: `send` makes a request (the user as `x-user`, a
 * `json` body as application/json), `raw` writes bytes on a socket; both record the answer in
 * `answers`.
 */
export function recordingClient(port: number, answers: AnswerLog) {
  return {
    async send(path: string, init: SendInit = {}): Promise<Answer> {
      const headers: Record<string, string> = { ...init.headers };
      if (init.user !== undefined) headers["x-user"] = init.user;
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers["content-type"] ??= "application/json";
      }
      const method = init.method ?? (body === undefined ? "GET" : "POST");
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers,
        ...(body === undefined
          ? {}
          : {
              body:
                typeof body === "string" || body instanceof FormData ? body : new Uint8Array(body),
            }),
      });
      const text = await response.text();
      answers.push({
        what: `${method} ${path}`,
        status: response.status,
        headers: JSON.stringify([...response.headers]),
        text,
      });
      return { status: response.status, headers: response.headers, text, body: parseJson(text) };
    },
    async raw(chunks: (string | Buffer)[], options?: RawOptions) {
      const exchange = await rawExchange(port, chunks, options);
      answers.push({
        what: "raw",
        status: exchange.responses[0]?.status ?? 0,
        headers: "",
        text: exchange.raw,
      });
      return exchange;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
