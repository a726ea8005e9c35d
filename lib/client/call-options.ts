/** Options of one client call. */
export interface CallOptions {
  /**
   * Deadline in ms, counted from the call: sent to the server as `response_timeout_ms` and
   * enforced locally (expiry → `TIMEOUT`). For a stream, the deadline of the whole stream.
   * Default: the client's `defaultTimeoutMs` (30000).
   */
  readonly timeoutMs?: number;
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
