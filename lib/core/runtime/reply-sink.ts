/**
 * Where the replies to one delivered message go.
 *
 * This is the seam between the actor runtime and whoever sent the message: every `InFlightCall`
 * implements it — `AskRequest` / `StreamRequest` in-process, `PendingRequest` / `PendingStream`
 * per IPC request. The runtime does not know whether the caller wanted one reply or a stream: it
 * reports every reply in order (a `ctx.reply()` call, a returned value, each item of a returned
 * Observable / AsyncIterable) and then exactly one of `complete()` or `error()`. The sink
 * decides what that means: a request-response keeps the first reply (acton: "the first reply
 * becomes the response; later replies are discarded"), a stream makes each reply a data frame.
 */
export interface ReplySink {
  /**
   * One reply. When the sink returns a Promise the runtime pulls the next item of an
   * AsyncIterable only after it settles (backpressure: e.g. the socket drained).
   * Never throws; a sink that no longer wants replies just ignores them.
   */
  next(value: unknown): void | Promise<void>;
  /** The handler (and its stream, if any) finished; no more replies will come. */
  complete(): void;
  /** The handler threw, its Promise rejected, or its stream errored. No more replies will come. */
  error(err: unknown): void;
  /**
   * Calls `listener` once when the caller gives up (the deadline passed, the call was cancelled)
   * — what aborts `delivery.signal`, without creating the AbortSignal. For forwarders such as the
   * cluster, which pass a call on and must pass its cancellation on too. Optional.
   */
  whenAborted?(listener: () => void): void;
}
