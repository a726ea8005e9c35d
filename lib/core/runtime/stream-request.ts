import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { DeadlineTimers } from './deadline-timers';
import { InFlightCall, nextLocalCorrelationId } from './in-flight-call';
import { LOCAL_PEER } from './message-context';

/** Where a `StreamRequest` pushes its outcome (an rxjs `Subscriber` fits). */
export interface StreamObserver {
  next(value: unknown): void;
  error(err: unknown): void;
  complete(): void;
}

/**
 * One in-process stream request (`app.stream`), an `InFlightCall` feeding a subscriber: each
 * reply is pushed to it, then `complete` / `error`. `cancel()` (the subscriber unsubscribed) and
 * the optional whole-stream timeout abort the handler's `ctx.signal`, which stops a returned
 * Observable / AsyncIterable.
 */
export class StreamRequest extends InFlightCall {
  /**
   * @param timeoutMs deadline for the whole stream, from `startDeadline()`; none when undefined
   * @param deadlines the app's deadline timers (default: the system clock's)
   */
  constructor(
    message: object,
    wireName: string,
    private readonly subscriber: StreamObserver,
    timeoutMs?: number,
    deadlines?: DeadlineTimers,
  ) {
    super(message, wireName, nextLocalCorrelationId(), LOCAL_PEER, timeoutMs, undefined, deadlines);
  }

  next(value: unknown): void {
    if (!this.settled) this.subscriber.next(value);
  }

  complete(): void {
    if (this.settle()) this.subscriber.complete();
  }

  error(err: unknown): void {
    if (this.settle()) this.subscriber.error(err);
  }

  /** The consumer went away: stop the producer. */
  cancel(): void {
    this.settle();
    this.abort(new ActorError(ErrorCode.CONNECTION_CLOSED, 'The stream was unsubscribed'));
  }

  protected expire(): ActorError {
    const err = new ActorError(ErrorCode.TIMEOUT, ErrorMessages.streamTimedOut(this.timeoutMs!));
    this.subscriber.error(err);
    return err;
  }
}
