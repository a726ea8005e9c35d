import { isActorError } from '../core/errors/actor-error';
import { ErrorCode } from '../core/errors/error-code';
import { Delivery } from '../core/runtime/delivery';
import { isActivationRefused } from '../core/runtime/keyed/activation-refused';
import { ReplySink } from '../core/runtime/reply-sink';
import { wasNotStarted } from './remote-calls';

/**
 * The longest wait between two re-sends of one call, in `retryMs`: a key whose node was killed is
 * refused (NATS no responders) until that node counts as gone (`nodeTimeoutMs`), and re-sending
 * every `retryMs` meanwhile would flood NATS with thousands of calls that cannot land.
 */
const MAX_BACKOFF = 8;

/**
 * The sink of a call to a key, which re-sends the call when its node refused it before any
 * handler saw it — nobody subscribed to the node's keyed subject any more (NATS no responders:
 * the node left or is leaving), the node answered `SHUTTING_DOWN`, it said goodbye with the call
 * unanswered (a clean leave answers every call it took first), it was lost before telling that
 * the handler started (no `r` frame, see `RemoteReplySink.received`), or the key's activation
 * could not start there (the key still claimed by a node not yet known dead, its state unreadable:
 * `isActivationRefused`) — because the key is moving: the call is routed again after `retryMs`
 * (doubling per re-send, up to `MAX_BACKOFF` times it),
 * until it gets an answer or the caller goes away (its deadline aborts its signal). Calls whose
 * handler had started when their node was lost fail `NODE_UNAVAILABLE` (outcome unknown): the
 * handler may have run, and re-sending would apply it twice (see the README's at-most-once rules).
 */
export class KeyedCallRetry implements ReplySink {
  private answered = false;
  /** Re-sends so far: each waits twice as long as the one before, up to `MAX_BACKOFF` × `retryMs`. */
  private attempts = 0;

  constructor(
    private readonly delivery: Delivery,
    private readonly resend: (delivery: Delivery) => void,
    private readonly retryMs: number,
    /** Counts the calls sent again. */
    private readonly resent: { count: number },
  ) {}

  /** The delivery to send: the original one, with this sink in place of the caller's. */
  get routed(): Delivery {
    return {
      message: this.delivery.message,
      wireName: this.delivery.wireName,
      correlationId: this.delivery.correlationId,
      sink: this,
      ...(this.delivery.signal && { signal: this.delivery.signal }),
      ...(this.delivery.deadline !== undefined && { deadline: this.delivery.deadline }),
      ...(this.delivery.peer && { peer: this.delivery.peer }),
    };
  }

  next(value: unknown): void | Promise<void> {
    this.answered = true;
    return this.delivery.sink!.next(value);
  }

  complete(): void {
    this.answered = true;
    this.delivery.sink!.complete();
  }

  error(err: unknown): void {
    if (this.answered || !isRefusedBeforeDelivery(err) || this.delivery.signal?.aborted) {
      this.answered = true;
      return this.delivery.sink!.error(err);
    }
    this.sendLater(err);
  }

  /** The call could not leave this node (`err`: NATS is down): it is sent again later, as a refused one. */
  notSent(err: unknown): void {
    if (this.answered || this.delivery.signal?.aborted) return this.error(err);
    this.sendLater(err);
  }

  private sendLater(err: unknown): void {
    const timer = setTimeout(
      () => {
        if (this.delivery.signal?.aborted) return this.delivery.sink!.error(err);
        try {
          this.resent.count++;
          this.resend(this.routed);
        } catch (failure) {
          this.error(failure);
        }
      },
      resendDelayMs(this.retryMs, this.attempts++),
    );
    timer.unref();
  }
}

/** The wait before re-send number `attempt` (from 0): `retryMs`, doubling, at most `MAX_BACKOFF` × `retryMs`. */
export function resendDelayMs(retryMs: number, attempt: number): number {
  return retryMs * Math.min(MAX_BACKOFF, 2 ** attempt);
}

/**
 * Whether `err` says the message never reached a handler or mailbox of the key's node (see
 * `KeyedCallRetry`), so sending it again cannot apply it twice.
 */
export function isRefusedBeforeDelivery(err: unknown): boolean {
  if (!isActorError(err)) return false;
  if (err.code === ErrorCode.SHUTTING_DOWN || wasNotStarted(err) || isActivationRefused(err)) return true;
  // A clean leave ("it left": goodbye received) hands every keyed call it took over before saying
  // goodbye (KeyedPlacement.handOver), so a call still unanswered then never reached a handler.
  if (err.code === ErrorCode.NODE_UNAVAILABLE && /\(it left\)/.test(err.message)) return true;
  return err.code === ErrorCode.ACTOR_NOT_FOUND && /no responders/.test(err.message);
}
