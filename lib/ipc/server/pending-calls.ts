import { thrownName, toActorError } from '../../core/errors/actor-error';
import { ErrorCode } from '../../core/errors/error-code';
import { ErrorMessages } from '../../core/errors/error-messages';
import { DeadlineTimers } from '../../core/runtime/deadline-timers';
import { InFlightCall, MAX_TIMER_DELAY_MS } from '../../core/runtime/in-flight-call';
import { PeerInfo } from '../../core/runtime/message-context';
import { PayloadCodec } from '../protocol/payload-codec';
import { ErrorDetails } from '../protocol/wire-types';
import {
  ErrorFields,
  errorFrame,
  responseFrame,
  streamDataFrame,
  streamEndFrame,
  streamErrorFrame,
} from './reply-frames';

/** The no-reply answer, kept byte-exact (reference clients match it, docs/protocol.md §3.3). */
export const NO_REPLY: ErrorFields = Object.freeze({ code: ErrorCode.IO_ERROR, message: ErrorMessages.NO_REPLY });

/**
 * The one way answers of IPC calls go back: the request pipeline of the call's connection,
 * which writes them to the connection in order and does the in-flight bookkeeping.
 */
export interface AnswerSink {
  /** `compat.handler_errors = "hidden"`: handler errors look like the reference's no-reply (§0 D1). */
  readonly hideHandlerErrors: boolean;
  /** A stream's data frame; returns a Promise while the write backlog is high (backpressure). */
  sendPart(frame: Buffer): Promise<void> | undefined;
  /**
   * The call's last frame: the call is no longer in flight.
   * @param failed the answer counts in the §7 `errors` counter
   */
  sendFinal(call: PendingCall, frame: Buffer, failed: boolean): void;
  /** Logs a handler error the caller does not see (`handler_errors = "hidden"`, §3.6). */
  reportHiddenError(err: unknown, correlationId: string): void;
}

/**
 * What a caller sees when a handler failed (docs/protocol.md §0 D1): the thrown `ActorError`'s
 * code, or `HANDLER_ERROR`; `error` exactly the thrown message; `error_details` with the error's
 * class name and the `ActorError`'s `data`, if any.
 */
function handlerFailure(err: unknown): ErrorFields {
  const actorError = toActorError(err);
  const name = thrownName(err);
  const details: ErrorDetails = actorError.data === undefined ? { name } : { name, data: actorError.data };
  return { code: actorError.code, message: actorError.message, details };
}

/**
 * The calls of one connection waiting for their answer, in the order they started: those the
 * connection cancels when it closes. An intrusive list (each call holds its neighbours), so
 * adding and removing a call allocate nothing and hash nothing (bench W1: a `Set` entry per call).
 */
export class OpenCalls {
  private head: PendingCall | undefined = undefined;
  private tail: PendingCall | undefined = undefined;

  /** Lists `call` (not listed yet). */
  add(call: PendingCall): void {
    call.listed = true;
    call.openBefore = this.tail;
    if (this.tail) this.tail.openAfter = call;
    else this.head = call;
    this.tail = call;
  }

  /** Takes `call` out; nothing when it is not listed (e.g. answered while being enqueued). */
  delete(call: PendingCall): void {
    if (!call.listed) return;
    if (call.openBefore) call.openBefore.openAfter = call.openAfter;
    else this.head = call.openAfter;
    if (call.openAfter) call.openAfter.openBefore = call.openBefore;
    else this.tail = call.openBefore;
    call.openBefore = call.openAfter = undefined;
    call.listed = false;
  }

  /** Empties the list, then cancels each call that was in it, oldest first (the connection closed). */
  cancelAll(): void {
    let call = this.head;
    this.head = this.tail = undefined;
    while (call) {
      const next = call.openAfter;
      call.openBefore = call.openAfter = undefined;
      call.listed = false;
      call.cancel();
      call = next;
    }
  }
}

/**
 * A request or stream of one IPC connection, from the enqueue to its last frame: an
 * `InFlightCall` (deadline from the enqueue, lazy `ctx.signal`, settle once, docs/protocol.md
 * §3.3, §3.4) whose answers are frames in the request's format, sent through an `AnswerSink`.
 * A deadline of 0 is an immediate timeout; one above 2^31−1 ms is no deadline.
 */
export abstract class PendingCall extends InFlightCall {
  /** @internal `OpenCalls`: the neighbours in its connection's list, while listed there */
  openBefore: PendingCall | undefined = undefined;
  /** @internal `OpenCalls` */
  openAfter: PendingCall | undefined = undefined;
  /** @internal `OpenCalls`: true while in its connection's list */
  listed = false;

  constructor(
    message: object,
    wireName: string,
    correlationId: string,
    peer: PeerInfo,
    timeoutMs: number,
    protected readonly codec: PayloadCodec,
    protected readonly answers: AnswerSink,
    withdrawn?: AbortSignal,
    deadlines?: DeadlineTimers,
  ) {
    super(message, wireName, correlationId, peer, timeoutMs, withdrawn, deadlines);
  }

  /** Starts the deadline; call right after a successful enqueue. */
  start(): void {
    // §3.3/§3.4: 0 means an immediate timeout, although the message was already delivered.
    if (this.timeoutMs === 0) this.expireNow();
    // §3.4: a deadline beyond what a timer can hold (2^31−1 ms, ≈24.8 days; clients send 2^53−1
    // to open a stream without a deadline) is treated as none rather than clamped.
    else if (this.timeoutMs! <= MAX_TIMER_DELAY_MS) this.startDeadline();
  }

  /** The connection went away: no answer is written, the handler's signal aborts. */
  cancel(): void {
    if (this.settle()) this.abort();
  }

  error(err: unknown): void {
    if (!this.settle()) return;
    if (this.answers.hideHandlerErrors) {
      this.answers.reportHiddenError(err, this.correlationId);
      this.answers.sendFinal(this, this.endFrame(), true);
    } else {
      this.answers.sendFinal(this, this.failureFrame(handlerFailure(err)), true);
    }
  }

  protected expire(): undefined {
    this.answers.sendFinal(this, this.failureFrame(this.timeoutFailure()), true);
    return undefined;
  }

  /** The `TIMEOUT` answer's fields (§4). */
  protected abstract timeoutFailure(): ErrorFields;
  /** The final frame carrying `failure`. */
  protected abstract failureFrame(failure: ErrorFields): Buffer;
  /**
   * The frame that ends the call without a result: for a request the no-reply `IO_ERROR`, for a
   * stream the normal final frame. A hidden handler error answers it too, as the reference.
   */
  protected abstract endFrame(): Buffer;
}

/**
 * One request-response in flight (docs/protocol.md §3.3): the first reply becomes the `0x02`
 * response, later ones are dropped; finishing without a reply answers the exact no-reply
 * `IO_ERROR`; a handler error is reported (§0 D1) unless hidden; the deadline answers `TIMEOUT`.
 */
export class PendingRequest extends PendingCall {
  next(value: unknown): void {
    if (this.settle()) this.answers.sendFinal(this, responseFrame(this.codec, this.correlationId, value), false);
  }

  complete(): void {
    if (this.settle()) this.answers.sendFinal(this, this.endFrame(), true);
  }

  protected timeoutFailure(): ErrorFields {
    return { code: ErrorCode.TIMEOUT, message: ErrorMessages.requestTimedOut(this.timeoutMs!) };
  }

  protected failureFrame(failure: ErrorFields): Buffer {
    return errorFrame(this.codec, this.correlationId, failure);
  }

  protected endFrame(): Buffer {
    return this.failureFrame(NO_REPLY);
  }
}

/**
 * One request-stream in flight (docs/protocol.md §3.4, §2.8): each reply is a `0x09` data frame
 * (`sequence` 0, 1, 2, …, `is_final:false`); the end is a separate final frame whose `sequence`
 * is the number of data frames; a handler error is an error frame (§0 D1; with
 * `handler_errors = "hidden"`, a normal final frame, as the reference). `response_timeout_ms`
 * bounds the whole stream: then a `TIMEOUT` error frame and `ctx.signal` aborts, which stops the
 * producer. `next()` returns a Promise while the connection's write backlog is high, so
 * AsyncIterable producers are pulled only as fast as the socket drains.
 */
export class PendingStream extends PendingCall {
  private sequence = 0;

  next(value: unknown): void | Promise<void> {
    if (this.settled) return;
    return this.answers.sendPart(streamDataFrame(this.codec, this.correlationId, this.sequence++, value));
  }

  complete(): void {
    if (this.settle()) this.answers.sendFinal(this, this.endFrame(), false);
  }

  protected timeoutFailure(): ErrorFields {
    return { code: ErrorCode.TIMEOUT, message: ErrorMessages.streamTimedOut(this.timeoutMs!) };
  }

  protected failureFrame(failure: ErrorFields): Buffer {
    return streamErrorFrame(this.codec, this.correlationId, this.sequence, failure);
  }

  protected endFrame(): Buffer {
    return streamEndFrame(this.codec, this.correlationId, this.sequence);
  }
}
