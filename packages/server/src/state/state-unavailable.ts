/**
 * A shared {@link StateStore} (e.g. `redisState`) could not answer: it is down, unreachable, or
 * did not answer in time. Nothing was decided, so the caller may retry later (the handler
 * answers 503). The message names the store but never its credentials; `cause` is the client's
 * own error.
 */
export class StateUnavailableError extends Error {
  override readonly name = "StateUnavailableError";

  constructor(message = "The shared state cannot be reached", options?: ErrorOptions) {
    super(message, options);
  }
}
