import { ErrorCode } from '../../core/errors/error-code';
import { ErrorMessages } from '../../core/errors/error-messages';
import { handlerFailure } from './handler-failure';
import { ErrorFields, streamDataFrame, streamEndFrame, streamErrorFrame } from './reply-frames';
import { PendingDelivery } from './pending-delivery';

/**
 * One request-stream in flight (PROTOCOL.md §3.4, §2.8): each reply is a `0x09` data frame
 * (`sequence` 0, 1, 2, …, `is_final:false`); the end is a separate final frame whose `sequence`
 * is the number of data frames; a handler error is an error frame (§0 D1; with
 * `handler_errors = "hidden"`, a normal final frame, as the reference). `response_timeout_ms`
 * bounds the whole stream from the enqueue: then a `TIMEOUT` error frame and `ctx.signal` aborts,
 * which stops the producer. `next()` returns a Promise while the connection's write backlog is
 * high, so AsyncIterable producers are pulled only as fast as the socket drains.
 */
export class PendingStream extends PendingDelivery {
  private sequence = 0;

  next(value: unknown): void | Promise<void> {
    if (this.done) return;
    this.host.send(streamDataFrame(this.codec, this.correlationId, this.sequence++, value));
    return this.host.whenWritable();
  }

  complete(): void {
    if (this.done) return;
    this.finish(streamEndFrame(this.codec, this.correlationId, this.sequence));
  }

  error(err: unknown): void {
    if (this.done) return;
    this.host.stats.errors++;
    if (this.host.hideHandlerErrors) {
      this.host.reportHiddenError(err, this.correlationId);
      return this.finish(streamEndFrame(this.codec, this.correlationId, this.sequence));
    }
    this.finish(this.errorEnd(handlerFailure(err)));
  }

  protected deadlineFrame(): Buffer {
    return this.errorEnd({ code: ErrorCode.TIMEOUT, message: ErrorMessages.streamTimedOut(this.timeoutMs) });
  }

  private errorEnd(failure: ErrorFields): Buffer {
    return streamErrorFrame(this.codec, this.correlationId, this.sequence, failure);
  }
}
