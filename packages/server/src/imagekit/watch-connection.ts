/** What undici publishes on `undici:client:sendHeaders` (Node's fetch is undici). */
interface SendHeadersMessage {
  headers?: unknown;
  socket?: { destroyed?: boolean; resetAndDestroy?: () => unknown };
}

const SEND_HEADERS = "undici:client:sendHeaders";

/**
 * The connection fetch sends a request on, found through undici's documented diagnostics channel
 * by a header value unique to the request (the multipart boundary), so it can be reset (RST)
 * rather than closed: a graceful close waits behind the unsent body in the socket's buffers,
 * where a peer that stopped reading never sees it, and that peer would hold the connection (and
 * the partial upload) until its own timeout. A reset reaches it at once.
 *
 * Does nothing where there is no such channel (another fetch, another runtime), and for TLS
 * sockets, which Node cannot reset (nodejs/node#49484): fetch's own close is all there is then.
 * `release` once the answer is in: the connection goes back to the pool and is never reset.
 */
export function watchConnection(marker: string): { reset(): void; release(): void } {
  const channels = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.("node:diagnostics_channel") as
    | typeof import("node:diagnostics_channel")
    | undefined;
  let socket: SendHeadersMessage["socket"];
  const onSend = (message: unknown) => {
    const sent = message as SendHeadersMessage;
    if (!String(sent.headers).includes(marker)) return;
    socket = sent.socket;
    channels?.unsubscribe(SEND_HEADERS, onSend);
  };
  channels?.subscribe(SEND_HEADERS, onSend);
  const release = () => {
    channels?.unsubscribe(SEND_HEADERS, onSend);
    socket = undefined;
  };
  return {
    release,
    reset() {
      const target = socket;
      release();
      if (!target || target.destroyed) return;
      try {
        target.resetAndDestroy?.();
      } catch {
        // A TLS socket (ERR_INVALID_HANDLE_TYPE): fetch closes it as it can.
      }
    },
  };
}
