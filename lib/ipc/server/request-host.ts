import { PeerInfo } from '../../core/runtime/peer-info';
import { ListenerStats } from './listener-stats';

/** Something answering on a connection that must stop when the connection goes away. */
export interface Cancellable {
  /** The connection closed: stop timers, abort the handler's signal, send nothing more. */
  cancel(): void;
}

/**
 * What a request being answered needs from its connection: the ordered write queue, the
 * in-flight bookkeeping (§7 `in_flight_requests`, the read-timeout pause of §5.3, serial mode)
 * and cancellation on disconnect.
 */
export interface RequestHost {
  readonly peer: PeerInfo;
  readonly stats: ListenerStats;
  /** `compat.handler_errors = "hidden"`: handler errors look like the reference's no-reply (§0 D1). */
  readonly hideHandlerErrors: boolean;
  /** Queues one frame on the connection's write queue (dropped once the connection is closed). */
  send(frame: Buffer): void;
  /** The request is answered (or abandoned): `in_flight_requests` − 1. Call exactly once. */
  finishRequest(): void;
  /** Stream backpressure: a Promise while the write backlog is above its high-water mark. */
  whenWritable(): Promise<void> | undefined;
  /**
   * Logs a handler error the caller will not see (`handler_errors = "hidden"`), as the reference
   * routes it to the actor's local error hook (§3.6).
   */
  reportHiddenError(err: unknown, correlationId: string): void;
  /** Registers a request to cancel on disconnect (until `untrack`). */
  track(request: Cancellable): void;
  untrack(request: Cancellable): void;
}

/** `setTimeout` fires at once beyond 2^31−1 ms (PROTOCOL.md §9): clamp `response_timeout_ms`. */
export const MAX_TIMER_MS = 2_147_483_647;
