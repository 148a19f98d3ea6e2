import { connect, createServer, type Server, type Socket } from "node:net";

/** Client to server (`up`: the request and its body) or server to client (`down`: the answer). */
export type Direction = "up" | "down";

/** One connection the proxy cut. */
export interface Cut {
  direction: Direction;
  /** Bytes of that direction let through since the cut was armed, across connections. */
  after: number;
  /** The first bytes (up to 200) let through since the cut was armed, as latin1 text. */
  passed: string;
  /** What the test said the cut was for. */
  label: string;
}

export interface CuttingProxy {
  /** `http://127.0.0.1:<port>`: the same server, through the proxy. */
  origin: string;
  /** The cuts made so far. */
  cuts: Cut[];
  /**
   * Cuts the connection that carries the `bytes + 1`-th byte in `direction` from now on: the
   * first `bytes` pass, the connection is destroyed on both sides, the rest is lost. One armed
   * cut at a time; arming again replaces it.
   */
  cutAfter(bytes: number, direction: Direction, label?: string): void;
  /** Whether a cut is armed and not yet made. */
  armed(): boolean;
  disarm(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of `port` that passes bytes through untouched until told to cut: then it
 * destroys both sockets in the middle of whatever they carry, as a dropped network does (the
 * server sees a body that breaks off, the client a reset).
 */
export async function startCuttingProxy(
  port: number,
  { onCut }: { onCut?: (cut: Cut) => void } = {},
): Promise<CuttingProxy> {
  const sockets = new Set<Socket>();
  const cuts: Cut[] = [];
  let plan: { direction: Direction; budget: number; label: string } | undefined;
  let passed = 0;
  let seen = "";
  const see = (bytes: Buffer) => {
    seen += bytes.subarray(0, Math.max(0, 200 - seen.length)).toString("latin1");
  };

  const server: Server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(socket);
      // A reset on one side ends the other, as it would end the one connection.
      socket.on("close", () => {
        sockets.delete(socket);
        other.destroy();
      });
      socket.on("error", () => {});
    }
    const relay = (from: Socket, to: Socket, direction: Direction) => {
      const pass = (chunk: Buffer) => {
        if (to.write(chunk)) return;
        from.pause();
        to.once("drain", () => from.resume());
      };
      from.on("data", (chunk: Buffer) => {
        if (!plan || plan.direction !== direction) {
          pass(chunk);
          return;
        }
        const room = plan.budget - passed;
        if (chunk.length <= room) {
          passed += chunk.length;
          see(chunk);
          pass(chunk);
          return;
        }
        const head = chunk.subarray(0, room);
        see(head);
        const cut = { direction, after: plan.budget, passed: seen, label: plan.label };
        cuts.push(cut);
        plan = undefined;
        from.pause();
        to.write(head, () => {
          client.destroy();
          upstream.destroy();
        });
        onCut?.(cut);
      });
      from.on("end", () => to.end());
    };
    relay(client, upstream, "up");
    relay(upstream, client, "down");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the proxy has no port");

  return {
    origin: `http://127.0.0.1:${address.port}`,
    cuts,
    cutAfter(bytes, direction, label = "") {
      plan = { direction, budget: bytes, label };
      passed = 0;
      seen = "";
    },
    armed: () => plan !== undefined,
    disarm() {
      plan = undefined;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A seeded PRNG (mulberry32): the same seed gives the same numbers, so a failing run is replayed
 * by its seed. Returns floats in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [min, max], from `random`. */
export const between = (random: () => number, min: number, max: number) =>
  min + Math.floor(random() * (max - min + 1));
