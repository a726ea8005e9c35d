/**
 * A snapshot of the listener's counters (PROTOCOL.md §7, camelCase as DESIGN.md names them).
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
  /** Parsed subscribe + unsubscribe frames. */
  readonly subscriptionsProcessed: number;
  /** Gauge: (connection, type name) subscription pairs. */
  readonly activeSubscriptions: number;
  /** Pushes accepted into a connection's push buffer. */
  readonly pushNotificationsSent: number;
  /** Pushes dropped because a connection's push buffer was full or the connection was closing. */
  readonly pushNotificationsDropped: number;
}

/** The listener's mutable counters; `snapshot()` is what `IpcListener.stats()` returns. */
export class ListenerStats {
  connectionsAccepted = 0;
  activeConnections = 0;
  messagesReceived = 0;
  messagesProcessed = 0;
  errors = 0;
  rateLimited = 0;
  backpressureRejections = 0;
  shutdownRejections = 0;
  inFlightRequests = 0;
  subscriptionsProcessed = 0;
  activeSubscriptions = 0;
  pushNotificationsSent = 0;
  pushNotificationsDropped = 0;

  /** @param maxConnections configured `limits.max_connections` */
  constructor(readonly maxConnections: number) {}

  /** A plain-object copy of every counter. */
  snapshot(): IpcListenerStats {
    return {
      connectionsAccepted: this.connectionsAccepted,
      activeConnections: this.activeConnections,
      maxConnections: this.maxConnections,
      connectionsAvailable: Math.max(0, this.maxConnections - this.activeConnections),
      messagesReceived: this.messagesReceived,
      messagesProcessed: this.messagesProcessed,
      errors: this.errors,
      rateLimited: this.rateLimited,
      backpressureRejections: this.backpressureRejections,
      shutdownRejections: this.shutdownRejections,
      inFlightRequests: this.inFlightRequests,
      subscriptionsProcessed: this.subscriptionsProcessed,
      activeSubscriptions: this.activeSubscriptions,
      pushNotificationsSent: this.pushNotificationsSent,
      pushNotificationsDropped: this.pushNotificationsDropped,
    };
  }
}
