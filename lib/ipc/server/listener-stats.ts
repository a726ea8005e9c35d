import type { RemoteCallStats } from '../../core/runtime/app-extension';

/**
 * A snapshot of the listener's counters (docs/protocol.md §7, in camelCase).
 * Counters only grow; gauges (`activeConnections`, `inFlightRequests`, `activeSubscriptions`,
 * `connectionsAvailable`) go up and down.
 */
export interface IpcListenerStats {
  /** Admitted connections (refused ones excluded). */
  readonly connectionsAccepted: number;
  /** Gauge: open admitted connections. */
  readonly activeConnections: number;
  /** Configured `limits.max_connections`. */
  readonly maxConnections: number;
  /** `maxConnections − activeConnections`, floored at 0. */
  readonly connectionsAvailable: number;
  /** Request (0x01) frames only. */
  readonly messagesReceived: number;
  /** Successful enqueues to an actor (request, stream and fire-and-forget); the reference's `messages_routed`. */
  readonly messagesProcessed: number;
  /**
   * Refused connections, accept failures, read and write timeouts, framing errors, envelope /
   * subscribe / discover parse failures, ACTOR_NOT_FOUND, unknown type and payload errors,
   * request and stream timeouts, no-reply and handler errors, closed mailboxes, stream dispatch
   * errors. Not: TARGET_BUSY, RATE_LIMITED, SHUTTING_DOWN.
   */
  readonly errors: number;
  /** `RATE_LIMITED` answers. */
  readonly rateLimited: number;
  /** `TARGET_BUSY` answers (stream or not). */
  readonly backpressureRejections: number;
  /** `SHUTTING_DOWN` answers. */
  readonly shutdownRejections: number;
  /** Gauge: requests past the rate limiter and not yet answered (drain waits on it). */
  readonly inFlightRequests: number;
  /** Parsed subscribe + unsubscribe frames, exact and pattern (§11.1). */
  readonly subscriptionsProcessed: number;
  /** Gauge: (connection, type name) subscription pairs. */
  readonly activeSubscriptions: number;
  /** Gauge: (connection, pattern) pattern subscriptions (docs/protocol.md §11.1). */
  readonly activePatternSubscriptions: number;
  /**
   * Security policy denials (docs/protocol.md §11.2): refused admissions and denied operations
   * (requests, subscriptions, discovery). Pushes a policy refused count in `pushNotificationsDropped`.
   */
  readonly accessDenied: number;
  /** Pushes accepted into a connection's push buffer. */
  readonly pushNotificationsSent: number;
  /** Pushes dropped because a connection's push buffer was full or the connection was closing. */
  readonly pushNotificationsDropped: number;
  /**
   * Calls to and from other nodes, when the app is clustered (`ClusterModule`); the same figures
   * as `app.cluster.stats()`. Not a §7 counter: absent without a cluster.
   */
  readonly remoteCalls?: RemoteCallStats;
}

/**
 * The request counters of one listener (§7), shared by the request pipelines of its connections
 * and written only by them; the listener reads them to assemble `IpcListenerStats`. The other
 * counters live with their owners: connections with the listener, `inFlightRequests` with
 * `InFlightRequests`, subscriptions and pushes with the `SubscriptionManager`.
 */
export class RequestCounters {
  /** Request (0x01) frames. */
  messagesReceived = 0;
  /** Successful enqueues to an actor. */
  messagesProcessed = 0;
  /** Request-path errors (see `IpcListenerStats.errors`); the listener adds its own refusals. */
  errors = 0;
  /** `RATE_LIMITED` answers. */
  rateLimited = 0;
  /** `TARGET_BUSY` answers. */
  backpressureRejections = 0;
  /** `SHUTTING_DOWN` answers. */
  shutdownRejections = 0;
  /** Operations a security policy denied (docs/protocol.md §11.2); the listener adds refused admissions. */
  accessDenied = 0;
}
