/** Options of one client call. */
export interface CallOptions {
  /**
   * Deadline in ms, counted from the call: sent to the server as `response_timeout_ms` and
   * enforced locally (expiry → `TIMEOUT`). For a stream, the deadline of the whole stream, and
   * 0 means none (see `StreamCallOptions`). Default: the client's `defaultTimeoutMs` (30000).
   */
  readonly timeoutMs?: number;
}

/**
 * The `response_timeout_ms` that asks for no deadline: 2^53−1 ms (the largest exact JSON
 * integer). acton-ts servers run no timer for a deadline beyond 2^31−1 ms; acton-reactive's
 * (tokio) treats an unreachable deadline as never. 0 would mean "time out at once" to both.
 */
export const NO_STREAM_DEADLINE_MS = Number.MAX_SAFE_INTEGER;

/**
 * Options of a request-stream. A long-lived stream (a watch, a feed) takes `timeoutMs: 0`: no
 * overall deadline (sent as `response_timeout_ms` 2^53−1, which acton-ts and acton-reactive
 * servers both treat as never, see docs/protocol.md §3.4), usually with `idleTimeoutMs` to notice
 * a producer that went quiet.
 */
export interface StreamCallOptions extends CallOptions {
  /**
   * Longest silence allowed before the first item and between items, ms: when it passes, the
   * stream fails with `TIMEOUT` ("Stream idle for <ms> ms") and its connection is closed (which
   * stops the server's producer). Checked by the client only. Default: none.
   */
  readonly idleTimeoutMs?: number;
}

/** Options of `ActonClient.discover`. */
export interface DiscoverOptions {
  /** List the exposed actors (default true). */
  readonly includeActors?: boolean;
  /** List the registered message types (default true). */
  readonly includeMessageTypes?: boolean;
  /** Deadline in ms; default the client's `defaultTimeoutMs`. */
  readonly timeoutMs?: number;
}
