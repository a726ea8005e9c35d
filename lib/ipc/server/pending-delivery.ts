import { Delivery } from '../../core/runtime/delivery';
import { PeerInfo } from '../../core/runtime/peer-info';
import { ReplySink } from '../../core/runtime/reply-sink';
import { PayloadCodec } from '../protocol/payload-codec';
import { Cancellable, MAX_TIMER_MS, RequestHost } from './request-host';

/**
 * What a request-response and a request-stream in flight share: the `Delivery` handed to the
 * actor and its `ReplySink` in one object, the deadline measured from the enqueue (PROTOCOL.md
 * §3.3, §3.4), the lazily created `ctx.signal`, and settling exactly once. Subclasses decide
 * which frames replies, completion, errors and the deadline produce.
 */
export abstract class PendingDelivery implements Delivery, ReplySink, Cancellable {
  readonly sink: ReplySink = this;
  readonly deadline: number;
  /** Set once the final answer was queued (or the caller went away); later calls are no-ops. */
  protected done = false;
  private controller?: AbortController;
  private timer?: NodeJS.Timeout;

  /**
   * @param timeoutMs the envelope's `response_timeout_ms` (0 = immediate timeout; > 2^31−1 = none)
   */
  constructor(
    readonly message: object,
    readonly wireName: string,
    readonly correlationId: string,
    protected readonly timeoutMs: number,
    protected readonly codec: PayloadCodec,
    protected readonly host: RequestHost,
  ) {
    this.deadline = Date.now() + timeoutMs;
  }

  get peer(): PeerInfo {
    return this.host.peer;
  }

  /** Created only if the handler reads it: most handlers never do. */
  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  /** Starts the deadline; call right after a successful enqueue ("the deadline starts after the enqueue"). */
  start(): void {
    if (this.done) return;
    this.host.track(this);
    // §3.3/§3.4: 0 means an immediate timeout, although the message was already delivered.
    if (this.timeoutMs === 0) return this.timeOut();
    // §3.4: a deadline beyond what a timer can hold (2^31−1 ms, ≈24.8 days; clients send 2^53−1 to
    // open a stream without a deadline) is treated as none rather than clamped.
    if (this.timeoutMs > MAX_TIMER_MS) return;
    this.timer = setTimeout(this.timeOut, Math.min(this.timeoutMs, MAX_TIMER_MS));
  }

  abstract next(value: unknown): void | Promise<void>;
  abstract complete(): void;
  abstract error(err: unknown): void;

  /** The connection went away: no answer is written, the handler's signal aborts. */
  cancel(): void {
    if (this.done) return;
    this.settle();
    this.abort();
  }

  /** The frame that answers an expired deadline (`TIMEOUT`, §4). */
  protected abstract deadlineFrame(): Buffer;

  /** Queues the final frame of this request and releases it. */
  protected finish(frame: Buffer): void {
    this.settle();
    this.host.send(frame);
    this.host.finishRequest();
  }

  private readonly timeOut = (): void => {
    if (this.done) return;
    this.host.stats.errors++;
    this.finish(this.deadlineFrame());
    this.abort();
  };

  private settle(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.host.untrack(this);
  }

  private abort(): void {
    (this.controller ??= new AbortController()).abort();
  }
}
