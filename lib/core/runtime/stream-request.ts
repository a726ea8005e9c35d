import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { Delivery } from './delivery';
import { nextLocalCorrelationId } from './local-correlation-id';
import { LOCAL_PEER } from './message-context';
import { PeerInfo } from './peer-info';
import { ReplySink } from './reply-sink';
import { clampTimerDelay } from './timer-delay';

/** Where a `StreamRequest` pushes its outcome (an rxjs `Subscriber` fits). */
export interface StreamObserver {
  next(value: unknown): void;
  error(err: unknown): void;
  complete(): void;
}

/**
 * One in-process stream request (`app.stream`): each reply is pushed to the subscriber, then
 * `complete` / `error`. `cancel()` (the subscriber unsubscribed) and the optional whole-stream
 * timeout abort the handler's `ctx.signal`, which stops a returned Observable / AsyncIterable.
 */
export class StreamRequest implements Delivery, ReplySink {
  readonly peer: PeerInfo = LOCAL_PEER;
  readonly sink: ReplySink = this;
  readonly correlationId = nextLocalCorrelationId();
  readonly deadline?: number;
  private readonly controller = new AbortController();
  private ended = false;
  private timer?: NodeJS.Timeout;

  /**
   * @param timeoutMs deadline for the whole stream, from `startTimer()`; none when undefined
   */
  constructor(
    readonly message: object,
    readonly wireName: string,
    private readonly subscriber: StreamObserver,
    private readonly timeoutMs?: number,
  ) {
    if (timeoutMs !== undefined) this.deadline = Date.now() + timeoutMs;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts the whole-stream timeout, if any; call after the message was enqueued. */
  startTimer(): void {
    if (this.timeoutMs !== undefined && !this.ended) this.timer = setTimeout(this.expire, clampTimerDelay(this.timeoutMs));
  }

  next(value: unknown): void {
    if (!this.ended) this.subscriber.next(value);
  }

  complete(): void {
    if (this.end()) this.subscriber.complete();
  }

  error(err: unknown): void {
    if (this.end()) this.subscriber.error(err);
  }

  /** The consumer went away: stop the producer. */
  cancel(): void {
    this.end();
    this.controller.abort(new ActorError(ErrorCode.CONNECTION_CLOSED, 'The stream was unsubscribed'));
  }

  private readonly expire = (): void => {
    if (!this.end()) return;
    const err = new ActorError(ErrorCode.TIMEOUT, ErrorMessages.streamTimedOut(this.timeoutMs!));
    this.subscriber.error(err);
    this.controller.abort(err);
  };

  private end(): boolean {
    if (this.ended) return false;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    return true;
  }
}
