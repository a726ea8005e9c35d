import { nextLocalCorrelationId } from './in-flight-call';
import { LOCAL_PEER, PeerInfo } from './message-context';
import { ReplySink } from './reply-sink';
import { TraceContext } from './instrumentation';

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

/**
 * A message sent in-process without waiting for an answer (`app.tell`, a timer's message). Its
 * `local-<n>` correlation id is built on first read: most handlers never read it, and a tell that
 * activates a keyed actor should not pay for a number turned into a string.
 */
export class LocalDelivery implements Delivery {
  readonly peer = LOCAL_PEER;
  private id?: string;

  constructor(
    readonly message: object,
    readonly wireName: string,
    readonly sink?: ReplySink,
  ) {}

  get correlationId(): string {
    return (this.id ??= nextLocalCorrelationId());
  }
}
