import { RateLimiter } from './rate-limiter';
import { RequestHost } from './request-host';
import { PushTarget } from './subscription-manager';

/** What the request router needs from a connection, beyond answering (`RequestHost`). */
export interface RouteConnection extends RequestHost, PushTarget {
  /** The connection's token bucket (§5.1). */
  readonly rateLimiter: RateLimiter;
  /** A request passed the rate limiter: `in_flight_requests` + 1 (§3.1 step 4). */
  beginRequest(): void;
  /**
   * Runs `proceed` with the decoded message in frame-arrival order (§0 D2: enqueues to actors
   * keep arrival order even when a payload's validation is asynchronous); `fail` with its error.
   */
  inOrder(decoded: object | Promise<object>, proceed: (message: object) => void, fail: (err: unknown) => void): void;
  /** The subscription set changed (the §5.3 read timeout that applies may change). */
  subscriptionsChanged(): void;
}
