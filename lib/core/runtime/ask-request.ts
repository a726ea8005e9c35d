import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { DeadlineTimers } from './deadline-timers';
import { InFlightCall, nextLocalCorrelationId } from './in-flight-call';
import { LOCAL_PEER } from './message-context';

/**
 * One in-process request-response (`app.ask`), an `InFlightCall` whose outcome is a Promise.
 * The first reply resolves `promise` (later ones are ignored, docs/protocol.md §3.3); finishing
 * without a reply rejects with the protocol's no-reply `IO_ERROR`; a handler error rejects with
 * that very error; the timeout rejects with `TIMEOUT` and aborts the handler's `ctx.signal`.
 */
export class AskRequest extends InFlightCall {
  /** Settles with the outcome. */
  readonly promise: Promise<unknown>;
  private resolve!: (value: unknown) => void;
  private reject!: (err: unknown) => void;

  /**
   * @param message the validated message instance
   * @param wireName its registered wire name
   * @param timeoutMs how long to wait for the first reply, from `startDeadline()`
   * @param deadlines the app's deadline timers (default: the system clock's)
   */
  constructor(message: object, wireName: string, timeoutMs: number, deadlines?: DeadlineTimers) {
    super(message, wireName, nextLocalCorrelationId(), LOCAL_PEER, timeoutMs, undefined, deadlines);
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  next(value: unknown): void {
    if (this.settle()) this.resolve(value);
  }

  complete(): void {
    if (this.settle()) this.reject(new ActorError(ErrorCode.IO_ERROR, ErrorMessages.NO_REPLY));
  }

  error(err: unknown): void {
    if (this.settle()) this.reject(err);
  }

  protected expire(): ActorError {
    const err = new ActorError(ErrorCode.TIMEOUT, ErrorMessages.requestTimedOut(this.timeoutMs!));
    this.reject(err);
    return err;
  }
}
