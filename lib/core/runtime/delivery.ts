import { PeerInfo } from './peer-info';
import { ReplySink } from './reply-sink';
import { TraceContext } from './trace-context';

/**
 * One message handed to an actor's mailbox, with everything its handler's
 * `MessageContext` is built from. Built by an `InFlightCall` (`app.ask` / `app.stream`, IPC
 * requests and streams), or directly for fire-and-forget messages (`app.tell`, IPC tell).
 */
export interface Delivery {
  /** The decoded, validated message instance. */
  readonly message: object;
  /** Registered wire name of the message's class. */
  readonly wireName: string;
  /** Where replies go; absent for fire-and-forget (replies are discarded). */
  readonly sink?: ReplySink;
  /** Echoed to the handler as `ctx.correlationId`. */
  readonly correlationId: string;
  /** Aborted when the caller goes away or the deadline passes; becomes `ctx.signal`. */
  readonly signal?: AbortSignal;
  /** Absolute deadline, epoch milliseconds; becomes `ctx.deadline`. */
  readonly deadline?: number;
  readonly peer?: PeerInfo;
  /** The caller's W3C trace context (IPC envelope `trace_context`), for the tracing instrumentation. */
  readonly traceContext?: TraceContext;
  /**
   * Aborted when the sender was revoked: a message that has not started by then is skipped
   * (IPC `listener.revoke()`, docs/protocol.md §11.2). One running already is not interrupted.
   */
  readonly withdrawn?: AbortSignal;
}
