import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { Delivery } from './delivery';
import { nextLocalCorrelationId } from './local-correlation-id';
import { LOCAL_PEER } from './message-context';
import { PeerInfo } from './peer-info';
import { ReplySink } from './reply-sink';
import { clampTimerDelay } from './timer-delay';

/**
 * One in-process request-response (`app.ask`): both the `Delivery` handed to the actor and the
 * `ReplySink` it answers into. The first reply resolves `promise` (later ones are ignored,
 * PROTOCOL.md §3.3); finishing without a reply rejects with the protocol's no-reply `IO_ERROR`;
 * a handler error rejects with that very error; the timeout rejects with `TIMEOUT` and aborts
 * the handler's `ctx.signal`. The AbortController is only created if someone reads `signal`.
 */
export class AskRequest implements Delivery, ReplySink {
  readonly peer: PeerInfo = LOCAL_PEER;
  readonly sink: ReplySink = this;
  readonly correlationId = nextLocalCorrelationId();
  /** Absolute deadline, epoch ms. */
  readonly deadline: number;
  /** Settles with the outcome. */
  readonly promise: Promise<unknown>;
  private resolve!: (value: unknown) => void;
  private reject!: (err: unknown) => void;
  private settled = false;
  private timer?: NodeJS.Timeout;
  private controller?: AbortController;
  private abortReason?: unknown;

  /**
   * @param message the validated message instance
   * @param wireName its registered wire name
   * @param timeoutMs how long to wait for the first reply, from `startTimer()`
   */
  constructor(
    readonly message: object,
    readonly wireName: string,
    private readonly timeoutMs: number,
  ) {
    this.deadline = Date.now() + timeoutMs;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Starts the timeout; call after the message was enqueued (PROTOCOL.md §3.3). */
  startTimer(): void {
    if (!this.settled) this.timer = setTimeout(this.expire, clampTimerDelay(this.timeoutMs));
  }

  next(value: unknown): void {
    if (this.finish()) this.resolve(value);
  }

  complete(): void {
    if (this.finish()) this.reject(new ActorError(ErrorCode.IO_ERROR, ErrorMessages.NO_REPLY));
  }

  error(err: unknown): void {
    if (this.finish()) this.reject(err);
  }

  private readonly expire = (): void => {
    if (!this.finish()) return;
    const err = new ActorError(ErrorCode.TIMEOUT, ErrorMessages.requestTimedOut(this.timeoutMs));
    this.reject(err);
    this.abortReason = err;
    this.controller?.abort(err);
  };

  private finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    return true;
  }
}
