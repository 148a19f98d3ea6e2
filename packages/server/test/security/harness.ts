import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { UploadError } from "@upkit/core";
import type { EmulatorOptions } from "@upkit/emulator";
import { expect } from "vitest";
import { z } from "zod";
import { createUploadHandler, defineProfile, type WebhookEvent } from "../../src/index";
import { toNodeHandler } from "../../src/node";
import { PNG_1X1, startEmulator, type TestEmulator } from "../support/emulator";
import type { RawOptions, RawResponse, rawExchange } from "./raw-http";
import { recordingClient } from "./recording-client";

export const PRIVATE_KEY = "private_emulator_key";
export const WEBHOOK_SECRET = "whsec_security_suite";
/** Where each signing scheme's handler is mounted on the one test server. */
export const V2 = "/api/upload";
export const V1 = "/api/upload-v1";

export const PNG = PNG_1X1;
export const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
/** 24 hex characters, the shape of an ImageKit fileId, that name no file anywhere. */
export const NO_SUCH_FILE_ID = "0123456789abcdef01234567";

/** What `onUploadComplete` saw: the suite counts these to prove it never ran for an attack. */
export interface Completion {
  profile: string;
  user: string;
  fileId: string;
}

/** Who is signed in comes from `x-user`, as a session cookie would say in an app. */
function signedIn(request: Request): { user: string } {
  const user = request.headers.get("x-user");
  if (!user) throw new UploadError("unauthorized", "Sign in to upload.");
  return { user };
}

// The default limit (300 a minute) would trip on a long table of cases from one address; the
// limit itself is tested apart, with its own small one.
const NO_PRACTICAL_LIMIT = { limit: 100_000, windowMs: 60_000 };

/** The demo app's profiles (apps/demo/lib/uploads.ts), each recording its completions. */
function buildHandler(
  emulator: TestEmulator,
  signing: "v1" | "v2",
  record: { completions: Completion[]; webhooks: WebhookEvent[]; reported: unknown[] },
) {
  const completed = (profile: string, user: string, fileId: string) => {
    record.completions.push({ profile, user, fileId });
    return { owner: user };
  };
  return createUploadHandler({
    imagekit: emulator.imagekit,
    basePath: signing === "v2" ? V2 : V1,
    signing,
    webhook: { secret: WEBHOOK_SECRET, onWebhook: (event) => void record.webhooks.push(event) },
    // Kept for the assertions rather than logged: attacks are expected, reports are not.
    onError: (error) => void record.reported.push(error),
    profiles: {
      avatar: defineProfile({
        restrictions: { maxFileSize: "1MB", accept: ["image/*"], maxFiles: 1 },
        transports: ["direct"],
        authorize: signedIn,
        options: ({ ctx }) => ({ folder: `/users/${ctx.user}`, tags: ["avatar", ctx.user] }),
        onUploadComplete: ({ ctx, file }) => completed("avatar", ctx.user, file.fileId),
        rateLimit: NO_PRACTICAL_LIMIT,
      }),
      gallery: defineProfile({
        restrictions: { maxFileSize: "5MB", accept: ["image/*"], maxFiles: 20 },
        transports: ["direct"],
        authorize: signedIn,
        input: z.object({ caption: z.string().max(100) }),
        // A shared folder with the same tags for everyone: nothing in the file says who sent it.
        options: () => ({ folder: "/gallery", tags: ["gallery"] }),
        onUploadComplete: ({ ctx, file }) => completed("gallery", ctx.user, file.fileId),
        rateLimit: NO_PRACTICAL_LIMIT,
      }),
      documents: defineProfile({
        restrictions: { maxFileSize: "64KB", accept: ["application/pdf", ".pdf"], maxFiles: 5 },
        transports: ["proxy"],
        authorize: signedIn,
        options: ({ ctx }) => ({ folder: `/documents/${ctx.user}`, tags: ["document"] }),
        onUploadComplete: ({ ctx, file }) => completed("documents", ctx.user, file.fileId),
        rateLimit: NO_PRACTICAL_LIMIT,
      }),
    },
  });
}

/** A response, whoever sent it: `body` is the parsed JSON, or undefined when it is not JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, checked by the assertions.
  body: any;
}

export interface SendInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | FormData;
  /** Sent as an application/json body (POST unless `method` says otherwise). */
  json?: unknown;
  /** The signed-in user (`x-user`). */
  user?: string;
}

/** A file as it sits in ImageKit (id → path and version): enough to see it appear, go or change. */
type Snapshot = Map<string, string>;

/** The state before a case, to compare with once it ran. */
export interface Mark {
  files: Snapshot;
  handled: number;
  reported: number;
  adapterFailures: number;
  completions: number;
}

export interface Target {
  emulator: TestEmulator;
  port: number;
  completions: Completion[];
  webhooks: WebhookEvent[];
  /** Every answer the suite saw on the wire, to prove none carries the private key. */
  answers: { what: string; status: number; headers: string; text: string }[];
  /**
   * What our handler itself returned, including answers no client saw (the socket was gone, or
   * Node's parser had already answered): a 5xx here is a 5xx even if it never reached the wire.
   */
  handled: { what: string; status: number }[];
  /** Errors the handler reported to `onError` (unexpected ones, by its contract). */
  reported: unknown[];
  /**
   * Rejections of the node adapter's own promise: node:http ignores that promise, so in an app
   * each is an unhandled rejection (which ends the process by default) and a client left hanging.
   */
  adapterFailures: unknown[];
  send(path: string, init?: SendInit): Promise<Answer>;
  raw(chunks: (string | Buffer)[], options?: RawOptions): ReturnType<typeof rawExchange>;
  mark(): Promise<Mark>;
  /**
   * After a refused case: nothing new is stored, nothing that was there is gone or replaced,
   * `onUploadComplete` did not run, and the handler produced no 5xx and reported no error.
   */
  expectClean(mark: Mark): Promise<void>;
  /**
   * Waits until the handler has answered the requests since `mark` (a raw exchange may end before
   * it does: Node's parser answered, or the client left), so that `expectClean` sees its status.
   */
  settled(mark: Mark, requests?: number): Promise<void>;
  /** The same, except that the case was meant to store files: returns them. */
  expectStored(mark: Mark): Promise<{ fileId: string; filePath: string; name: string }[]>;
  close(): Promise<void>;
}

/**
 * The app under attack: both handlers (v2 and v1 signing) behind `toNodeHandler` on a real
 * node:http server, pointed at a real emulator over HTTP.
 */
export async function startTarget(options: EmulatorOptions = {}): Promise<Target> {
  const record = {
    completions: [] as Completion[],
    webhooks: [] as WebhookEvent[],
    reported: [] as unknown[],
  };
  const handled: Target["handled"] = [];
  const adapterFailures: unknown[] = [];
  const answers: Target["answers"] = [];
  const emulator = await startEmulator({ webhookSecret: WEBHOOK_SECRET, ...options });
  const adapt = (signing: "v1" | "v2") => {
    const handler = buildHandler(emulator, signing, record);
    return toNodeHandler(async (request, context) => {
      const response = await handler(request, context);
      handled.push({ what: `${request.method} ${request.url}`, status: response.status });
      return response;
    });
  };
  const v2 = adapt("v2");
  const v1 = adapt("v1");
  const server: Server = createServer((req, res) => {
    const adapter = (req.url ?? "").startsWith(V1) ? v1 : v2;
    adapter(req, res).catch((error: unknown) => {
      adapterFailures.push(error);
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const client = recordingClient(port, answers);

  async function listFiles() {
    const listed = await emulator.api("/v1/files?limit=1000");
    expect(listed.status).toBe(200);
    return listed.body as {
      fileId: string;
      filePath: string;
      name: string;
      versionInfo: { id: string };
    }[];
  }
  const snapshot = async (): Promise<Snapshot> =>
    new Map((await listFiles()).map((f) => [f.fileId, `${f.filePath} @ ${f.versionInfo.id}`]));

  function expectNoServerFault(mark: Mark) {
    // One assertion, so that a 5xx shows with the error the handler reported for it.
    expect({
      "adapter rejected": adapterFailures.slice(mark.adapterFailures).map(String),
      "handler answered 5xx": handled.slice(mark.handled).filter((h) => h.status >= 500),
      "reported to onError": record.reported.slice(mark.reported).map(explain),
    }).toEqual({ "adapter rejected": [], "handler answered 5xx": [], "reported to onError": [] });
    expect(record.completions.length, "onUploadComplete ran").toBe(mark.completions);
  }

  async function expectKept(mark: Mark) {
    const after = await snapshot();
    const gone = [...mark.files].filter(([id, file]) => after.get(id) !== file);
    expect(
      gone.map(([, file]) => file),
      "stored files deleted or replaced",
    ).toEqual([]);
    return after;
  }

  return {
    emulator,
    port,
    answers,
    handled,
    adapterFailures,
    ...record,
    send: client.send,
    raw: client.raw,
    async mark() {
      return {
        files: await snapshot(),
        handled: handled.length,
        reported: record.reported.length,
        adapterFailures: adapterFailures.length,
        completions: record.completions.length,
      };
    },
    async settled(mark, requests = 1) {
      const deadline = Date.now() + 5000;
      while (
        handled.length + adapterFailures.length <
        mark.handled + mark.adapterFailures + requests
      ) {
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(
        handled.length + adapterFailures.length - mark.handled - mark.adapterFailures,
        "requests the handler finished",
      ).toBe(requests);
      // Whatever it started upstream is over too.
      await emulator.idle();
    },
    async expectClean(mark) {
      expectNoServerFault(mark);
      const after = await expectKept(mark);
      const added = [...after].filter(([id]) => !mark.files.has(id));
      expect(
        added.map(([, file]) => file),
        "files stored",
      ).toEqual([]);
    },
    async expectStored(mark) {
      expectNoServerFault({ ...mark, completions: record.completions.length });
      await expectKept(mark);
      return (await listFiles()).filter((file) => !mark.files.has(file.fileId));
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await emulator.dispose();
    },
  };
}

/** An error with its cause, as a line to read in a failed assertion. */
function explain(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause === undefined ? String(error) : `${error} (cause: ${explain(error.cause)})`;
}

/**
 * Our handler's refusal: the expected status (never a 5xx), a JSON `{ error: { code, message } }`
 * with the expected code (any code when `code` is undefined: the spec asks only for a 4xx with a
 * message), a message a user can read, and no private key anywhere.
 */
export function expectRefusal(answer: Answer, status: number, code?: string): void {
  expect(answer.status, answer.text).toBeLessThan(500);
  expect({ status: answer.status, code: answer.body?.error?.code }, answer.text).toEqual({
    status,
    code: code ?? expect.any(String),
  });
  expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
  expect(typeof answer.body.error.message).toBe("string");
  expect(answer.body.error.message.trim()).not.toBe("");
  expectNoKey(answer.text, [...answer.headers].join("\n"));
}

/** A 4xx from our handler, any of them: for cases where refusing and accepting safely both do. */
export function expectClientError(answer: Answer): void {
  expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
  expectRefusal(answer, answer.status);
}

/** An answer Node's HTTP parser gave before our code ran: a bare status line, no JSON body. */
export function expectParserAnswer(response: RawResponse | undefined, status: number): void {
  expect(response?.statusLine).toBe(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}`);
  expect(response?.headers["content-type"]).toBeUndefined();
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  431: "Request Header Fields Too Large",
};

export function expectNoKey(...texts: string[]): void {
  for (const text of texts) expect(text).not.toContain(PRIVATE_KEY);
}

/** Every answer of a file's run: none may carry the private key (body or header). */
export function expectNoKeyInAnswers(target: Target): void {
  expect(target.answers.length).toBeGreaterThan(0);
  for (const answer of target.answers) {
    expect(answer.text, answer.what).not.toContain(PRIVATE_KEY);
    expect(answer.headers, answer.what).not.toContain(PRIVATE_KEY);
  }
}
