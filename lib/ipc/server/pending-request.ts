import { ErrorCode } from '../../core/errors/error-code';
import { ErrorMessages } from '../../core/errors/error-messages';
import { Delivery } from '../../core/runtime/delivery';
import { PeerInfo } from '../../core/runtime/peer-info';
import { ReplySink } from '../../core/runtime/reply-sink';
import { PayloadCodec } from '../protocol/payload-codec';
import { handlerFailure, NO_REPLY } from './handler-failure';
import { errorFrame, responseFrame } from './reply-frames';
import { Cancellable, MAX_TIMER_MS, RequestHost } from './request-host';

/**
 * One request-response in flight (PROTOCOL.md §3.3): the `Delivery` handed to the actor and its
 * `ReplySink` in one object. The first reply becomes the `0x02` response, later ones are
 * dropped; finishing without a reply answers the exact no-reply `IO_ERROR`; a handler error is
 * reported (§0 D1) unless hidden; the deadline (from the enqueue) answers `TIMEOUT` and aborts
 * `ctx.signal`. `ctx.signal` is created only if the handler reads it.
 */
export class PendingRequest implements Delivery, ReplySink, Cancellable {
  readonly sink: ReplySink = this;
  readonly deadline: number;
  private controller?: AbortController;
  private timer?: NodeJS.Timeout;
  private done = false;

  /**
   * @param timeoutMs the envelope's `response_timeout_ms` (0 = immediate timeout)
   */
  constructor(
    readonly message: object,
    readonly wireName: string,
    readonly correlationId: string,
    private readonly timeoutMs: number,
    private readonly codec: PayloadCodec,
    private readonly host: RequestHost,
  ) {
    this.deadline = Date.now() + timeoutMs;
  }

  get peer(): PeerInfo {
    return this.host.peer;
  }

  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  /** Starts the deadline; call right after a successful enqueue (§3.3: "the deadline starts after the enqueue"). */
  start(): void {
    if (this.done) return;
    this.host.track(this);
    if (this.timeoutMs === 0) return this.timeOut();
    this.timer = setTimeout(this.timeOut, Math.min(this.timeoutMs, MAX_TIMER_MS));
  }

  next(value: unknown): void {
    if (this.done) return;
    this.answer(responseFrame(this.codec, this.correlationId, value));
  }

  complete(): void {
    if (this.done) return;
    this.host.stats.errors++;
    this.answer(errorFrame(this.codec, this.correlationId, NO_REPLY));
  }

  error(err: unknown): void {
    if (this.done) return;
    this.host.stats.errors++;
    if (this.host.hideHandlerErrors) {
      this.host.reportHiddenError(err, this.correlationId);
      return this.answer(errorFrame(this.codec, this.correlationId, NO_REPLY));
    }
    this.answer(errorFrame(this.codec, this.correlationId, handlerFailure(err)));
  }

  cancel(): void {
    if (this.done) return;
    this.settle();
    this.abort();
  }

  private readonly timeOut = (): void => {
    if (this.done) return;
    this.host.stats.errors++;
    this.answer(errorFrame(this.codec, this.correlationId, { code: ErrorCode.TIMEOUT, message: ErrorMessages.requestTimedOut(this.timeoutMs) }));
    this.abort();
  };

  private answer(frame: Buffer): void {
    this.settle();
    this.host.send(frame);
    this.host.finishRequest();
  }

  private settle(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.host.untrack(this);
  }

  private abort(): void {
    (this.controller ??= new AbortController()).abort();
  }
}
