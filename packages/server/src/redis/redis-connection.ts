import { createHash } from "node:crypto";
import { createClient, type RedisClientType } from "redis";
import { StateUnavailableError } from "../state/state-unavailable";

/** A node-redis 6 client (`createClient()` from `redis`), whatever its modules, scripts and RESP. */
// biome-ignore lint/suspicious/noExplicitAny: any client shape; we use only core commands
export type RedisClient = RedisClientType<any, any, any, any, any>;

/** The commands we send, with the reply shapes we rely on (normalised where RESP 2 and 3 differ). */
export interface RedisCommands {
  get(key: string): Promise<unknown>;
  set(
    key: string,
    value: string,
    options?: { condition?: "NX"; expiration?: { type: "PX"; value: number } },
  ): Promise<unknown>;
  del(key: string): Promise<unknown>;
  sMembers(key: string): Promise<Iterable<unknown>>;
  publish(channel: string, message: string): Promise<unknown>;
  scan(
    cursor: string,
    options: { MATCH: string; COUNT: number },
  ): Promise<{ cursor: unknown; keys: unknown[] }>;
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  ping(): Promise<unknown>;
}

/** A Lua script, sent by its SHA-1 (`EVALSHA`) once Redis has it. */
export interface RedisScript {
  source: string;
  sha: string;
}

export const defineScript = (source: string): RedisScript => ({
  source,
  sha: createHash("sha1").update(source).digest("hex"),
});

/** One client and what is needed to use it without ever waiting unbounded. */
export interface RedisConnection {
  /**
   * Runs `commands` once the client is connected, within the timeout; any failure to get an
   * answer (down, reconnecting, closed, too slow, a server-side refusal) rejects with
   * `StateUnavailableError`. A command not yet sent when the time runs out is never sent.
   */
  run<T>(commands: (client: RedisCommands) => Promise<T>): Promise<T>;
  /** Runs a Lua script (EVALSHA, then EVAL when Redis does not know it yet), as `run` does. */
  script(script: RedisScript, keys: string[], args: string[]): Promise<unknown>;
  /** Listens to a channel on the subscriber connection (opened on first use), as `run` does. */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  /** Stops listening; the listener is removed at once even while Redis cannot be reached. */
  unsubscribe(channel: string, listener: (message: string) => void): Promise<void>;
  /** A failure nobody awaits (a lock refresh, a release): goes to `onError`. */
  report(error: unknown): void;
  /** Connects now and checks Redis answers (PING). */
  ready(): Promise<void>;
  /** Closes the connections this opened (a given `client` stays its owner's). */
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  url?: string;
  client?: RedisClient;
  timeoutMs: number;
  onError: (error: unknown) => void;
}

/** How long one TCP (and TLS) connection attempt may take. */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * Reconnects with exponential backoff from 50 ms, capped at 1 s (plus jitter, so that instances
 * do not reconnect in step): Redis back after an outage is in use again within about a second.
 */
const reconnectDelay = (retries: number) =>
  Math.min(50 * 2 ** retries, 1_000) + Math.floor(Math.random() * 50);

export function openRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const { timeoutMs, onError } = options;
  const secrets = secretsOf(options.url ?? options.client?.options?.url);
  const where = describeServer(options.url, options.client);
  const unavailable = (error: unknown) =>
    error instanceof StateUnavailableError
      ? error
      : new StateUnavailableError(
          `The shared state cannot be reached (Redis at ${where}): ${redact(reasonOf(error), secrets)}`,
          { cause: error },
        );

  // One report per outage, not one per reconnect attempt; the next `ready` ends the outage.
  let down = false;
  const events = {
    error(error: unknown) {
      if (down || closed) return;
      down = true;
      onError(unavailable(error));
    },
    ready() {
      down = false;
    },
  };

  const commands = options.client
    ? new Link(options.client, false, events)
    : new Link(createOwnClient(options.url), true, events);
  let subscriber: Link | undefined;
  const subscriberLink = () => {
    subscriber ??= new Link(commands.client.duplicate(), true, events);
    return subscriber;
  };
  let closed = false;

  const bounded = <T>(link: Link, work: (client: RedisClient) => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(unavailable(new Error("the state was closed")));
    return new Promise<T>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(unavailable(new Error(`no answer within ${timeoutMs} ms`)));
      }, timeoutMs);
      link
        .whenReady()
        .then(() => {
          if (late) throw new Error("late");
          return work(link.client);
        })
        .then(resolve, (error) => reject(unavailable(error)))
        .finally(() => clearTimeout(timer));
    });
  };

  const run = <T>(work: (client: RedisCommands) => Promise<T>) =>
    bounded(commands, (client) => work(client as unknown as RedisCommands));

  return {
    run,
    script(script, keys, args) {
      return run(async (client) => {
        try {
          return await client.evalSha(script.sha, { keys, arguments: args });
        } catch (error) {
          if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
          return client.eval(script.source, { keys, arguments: args });
        }
      });
    },
    async subscribe(channel, listener) {
      const link = subscriberLink();
      try {
        await bounded(link, (client) => client.subscribe(channel, listener));
      } catch (error) {
        // A SUBSCRIBE that did not answer may still be queued: drop the listener with it.
        link.client.unsubscribe(channel, listener).catch(() => {});
        throw error;
      }
    },
    async unsubscribe(channel, listener) {
      if (!subscriber?.client.isOpen) return;
      // Not `bounded`: the listener goes now, whether or not Redis hears the UNSUBSCRIBE.
      const done = subscriber.client.unsubscribe(channel, listener);
      await withTimeout(done, timeoutMs).catch((error) => {
        throw unavailable(error);
      });
    },
    report(error) {
      if (!closed) onError(error);
    },
    async ready() {
      await run((client) => client.ping());
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(
        [commands, subscriber].map((link) => (link?.owned ? link.close(timeoutMs) : undefined)),
      );
    },
  };
}

/** A node-redis client, watched: whether it can take a command now, or when it can. */
class Link {
  #opened: boolean;
  #waiting: Promise<void> | undefined;

  constructor(
    readonly client: RedisClient,
    readonly owned: boolean,
    events: { error(error: unknown): void; ready(): void },
  ) {
    this.#opened = client.isOpen;
    // node-redis emits `error` on every failed (re)connection: a listener keeps that from
    // crashing the process as an unhandled `error` event.
    client.on("error", events.error);
    client.on("ready", events.ready);
  }

  /** Resolves once the client can take a command, rejects on its next connection error. */
  whenReady(): Promise<void> {
    const { client } = this;
    if (client.isReady) return Promise.resolve();
    if (!client.isOpen) {
      // Connected once only (lazily, on first use): a client closed since stays closed.
      if (this.#opened) return Promise.reject(new Error("the Redis client is closed"));
      this.#opened = true;
      // Failures reach the `error` listeners (and the wait below); this promise settles only
      // when the client is closed, since the reconnect strategy never gives up.
      client.connect().catch(() => {});
    }
    if (!this.#waiting) {
      this.#waiting = new Promise<void>((resolve, reject) => {
        const settle = (error?: unknown) => {
          client.off("ready", onReady);
          client.off("error", onError);
          this.#waiting = undefined;
          if (error === undefined) resolve();
          else reject(error);
        };
        const onReady = () => settle();
        const onError = (error: unknown) => settle(error ?? new Error("connection error"));
        client.on("ready", onReady);
        client.on("error", onError);
      });
      // Callers may all have timed out by the time it rejects.
      this.#waiting.catch(() => {});
    }
    return this.#waiting;
  }

  async close(timeoutMs: number): Promise<void> {
    const { client } = this;
    if (!client.isOpen) return;
    if (!client.isReady) {
      client.destroy();
      return;
    }
    await withTimeout(client.close(), timeoutMs).catch(() => client.destroy());
  }
}

function createOwnClient(url: string | undefined): RedisClient {
  const bad = () =>
    new Error("redisState: `url` must be a redis://, rediss:// or unix:// URL (or pass `client`)");
  if (!url || !/^(rediss?|unix):/i.test(url)) throw bad();
  try {
    return createClient({
      url,
      // Never queue a command while disconnected: it would wait for Redis without bound.
      disableOfflineQueue: true,
      socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: reconnectDelay },
    }) as unknown as RedisClient;
  } catch {
    // Not the client's error: its message may quote the URL, password included.
    throw bad();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** The URL's password (raw and decoded): never in a message we write. */
function secretsOf(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const { password } = new URL(url);
    return password ? [password, safeDecode(password)] : [];
  } catch {
    return [];
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function redact(text: string, secrets: string[]): string {
  let out = text.replace(/\/\/[^@/\s]*@/g, "//");
  for (const secret of secrets) out = out.split(secret).join("***");
  return out;
}

/** Host and port, for messages: no user, no password. */
function describeServer(url: string | undefined, client: RedisClient | undefined): string {
  const source = url ?? client?.options?.url;
  if (source) {
    try {
      const parsed = new URL(source);
      return parsed.host || parsed.pathname || "?";
    } catch {
      return "?";
    }
  }
  const socket = client?.options?.socket as
    | { host?: string; port?: number; path?: string }
    | undefined;
  if (socket?.path) return socket.path;
  return `${socket?.host ?? "localhost"}:${socket?.port ?? 6379}`;
}
