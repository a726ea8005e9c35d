import { ErrorCode } from '../../core/errors/error-code';
import { ErrorMessages } from '../../core/errors/error-messages';
import { Delivery } from '../../core/runtime/delivery';
import { PeerInfo } from '../../core/runtime/peer-info';
import { ReplySink } from '../../core/runtime/reply-sink';
import { PayloadCodec } from '../protocol/payload-codec';
import { handlerFailure } from './handler-failure';
import { ErrorFields, streamDataFrame, streamEndFrame, streamErrorFrame } from './reply-frames';
import { Cancellable, MAX_TIMER_MS, RequestHost } from './request-host';

/**
 * One request-stream in flight (PROTOCOL.md §3.4, §2.8): each reply is a `0x09` data frame
 * (`sequence` 0, 1, 2, …, `is_final:false`); the end is a separate final frame whose `sequence`
 * is the number of data frames; a handler error is an error frame (§0 D1; with
 * `handler_errors = "hidden"`, a normal final frame, as the reference). `response_timeout_ms`
 * bounds the whole stream from the enqueue: then a `TIMEOUT` error frame and `ctx.signal` aborts,
 * which stops the producer. `next()` returns a Promise while the connection's write backlog is
 * high, so AsyncIterable producers are pulled only as fast as the socket drains.
 */
export class PendingStream implements Delivery, ReplySink, Cancellable {
  readonly sink: ReplySink = this;
  readonly deadline: number;
  private controller?: AbortController;
  private timer?: NodeJS.Timeout;
  private sequence = 0;
  private done = false;

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

  /** Starts the whole-stream deadline; call right after a successful enqueue. */
  start(): void {
    if (this.done) return;
    this.host.track(this);
    // §3.4: with 0 the timeout frame (sequence 0) is sent at once, although the message was delivered.
    if (this.timeoutMs === 0) return this.timeOut();
    this.timer = setTimeout(this.timeOut, Math.min(this.timeoutMs, MAX_TIMER_MS));
  }

  next(value: unknown): void | Promise<void> {
    if (this.done) return;
    this.host.send(streamDataFrame(this.codec, this.correlationId, this.sequence++, value));
    return this.host.whenWritable();
  }

  complete(): void {
    if (this.done) return;
    this.end(streamEndFrame(this.codec, this.correlationId, this.sequence));
  }

  error(err: unknown): void {
    if (this.done) return;
    this.host.stats.errors++;
    if (this.host.hideHandlerErrors) {
      this.host.reportHiddenError(err, this.correlationId);
      return this.end(streamEndFrame(this.codec, this.correlationId, this.sequence));
    }
    this.endWithError(handlerFailure(err));
  }

  cancel(): void {
    if (this.done) return;
    this.settle();
    this.abort();
  }

  private readonly timeOut = (): void => {
    if (this.done) return;
    this.host.stats.errors++;
    this.endWithError({ code: ErrorCode.TIMEOUT, message: ErrorMessages.streamTimedOut(this.timeoutMs) });
    this.abort();
  };

  private endWithError(failure: ErrorFields): void {
    this.end(streamErrorFrame(this.codec, this.correlationId, this.sequence, failure));
  }

  private end(frame: Buffer): void {
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
