import { ErrorCode } from '../../core/errors/error-code';
import { ErrorMessages } from '../../core/errors/error-messages';
import { handlerFailure, NO_REPLY } from './handler-failure';
import { errorFrame, responseFrame } from './reply-frames';
import { PendingDelivery } from './pending-delivery';

/**
 * One request-response in flight (PROTOCOL.md §3.3): the `Delivery` handed to the actor and its
 * `ReplySink` in one object. The first reply becomes the `0x02` response, later ones are
 * dropped; finishing without a reply answers the exact no-reply `IO_ERROR`; a handler error is
 * reported (§0 D1) unless hidden; the deadline (from the enqueue) answers `TIMEOUT` and aborts
 * `ctx.signal`. `ctx.signal` is created only if the handler reads it.
 */
export class PendingRequest extends PendingDelivery {
  next(value: unknown): void {
    if (this.done) return;
    this.finish(responseFrame(this.codec, this.correlationId, value));
  }

  complete(): void {
    if (this.done) return;
    this.host.stats.errors++;
    this.finish(errorFrame(this.codec, this.correlationId, NO_REPLY));
  }

  error(err: unknown): void {
    if (this.done) return;
    this.host.stats.errors++;
    if (this.host.hideHandlerErrors) {
      this.host.reportHiddenError(err, this.correlationId);
      return this.finish(errorFrame(this.codec, this.correlationId, NO_REPLY));
    }
    this.finish(errorFrame(this.codec, this.correlationId, handlerFailure(err)));
  }

  protected deadlineFrame(): Buffer {
    return errorFrame(this.codec, this.correlationId, { code: ErrorCode.TIMEOUT, message: ErrorMessages.requestTimedOut(this.timeoutMs) });
  }
}
