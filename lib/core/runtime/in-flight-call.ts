import { clampTimerDelay } from './clock';
import { DeadlineEntry, DeadlineList, DeadlineTimers, systemDeadlineTimers } from './deadline-timers';
import { Delivery } from './delivery';
import { TraceContext } from './instrumentation';
import { PeerInfo } from './message-context';
import { ReplySink } from './reply-sink';

// The timer-delay limit lives with the clock; re-exported for the modules that import it from here.
export { clampTimerDelay, MAX_TIMER_DELAY_MS } from './clock';

let lastLocalCorrelation = 0;

/** A fresh correlation id for an in-process message, `local-<n>` (unique within the process). */
export function nextLocalCorrelationId(): string {
  return `local-${++lastLocalCorrelation}`;
}

/**
 * One call waiting for its answer, in process (`app.ask` / `app.stream`) or over IPC (a request
 * or a stream of one connection). It is the `ReplySink` the actor answers into, and it builds
 * the `Delivery` the actor receives. What every call shares lives here:
 *
 * - the deadline, measured from `startDeadline()` (right after the enqueue, docs/protocol.md
 *   §3.3, §3.4), clamped to what `setTimeout` can wait, kept in the app's `DeadlineTimers`
 *   (one timer per distinct delay, not one per call; on the app's `Clock`, so a `ManualClock`
 *   drives it);
 * - the handler's `ctx.signal`, whose AbortController is created only if someone reads it
 *   (most handlers never do) and which aborts when the call expires or is cancelled;
 * - settling exactly once: `settle()` returns true for the first outcome only, stops the timer,
 *   and later replies, completions and errors are the subclass's to ignore.
 *
 * The call is also the `Delivery` the actor's mailbox takes (its `sink` is itself; `deadline`,
 * `signal` and `traceContext` are its own): one object per call, not a call and a delivery.
 *
 * Subclasses say what a reply, the completion, an error and the expiry mean for their caller.
 */
export abstract class InFlightCall implements ReplySink, DeadlineEntry, Delivery {
  // Every field below is initialized (no `?:` field left to be added later): a call then keeps
  // one hidden class from its construction on, and the property reads of the request path stay
  // monomorphic (bench W1; this repo compiles with useDefineForClassFields false).
  /** `deadline`, once computed. */
  private deadlineEpoch: number | undefined = undefined;
  /** When `startDeadline()` started the timer, on the deadline timers' own scale. */
  private startedAt: number | undefined = undefined;
  private controller: AbortController | undefined = undefined;
  private abortReason: unknown = undefined;
  private aborted = false;
  private abortListeners: (() => void)[] | undefined = undefined;
  private isSettled = false;
  /** @internal DeadlineEntry: owned by `deadlines` */
  dueAt = 0;
  /** @internal DeadlineEntry */
  dueList: DeadlineList | undefined = undefined;
  /** @internal DeadlineEntry */
  dueBefore: DeadlineEntry | undefined = undefined;
  /** @internal DeadlineEntry */
  dueAfter: DeadlineEntry | undefined = undefined;
  /** The caller's W3C trace context; set before the enqueue, read by tracing instrumentation. */
  traceContext: TraceContext | undefined = undefined;

  /**
   * @param timeoutMs how long the caller waits, from `startDeadline()`; no deadline when undefined
   * @param withdrawn aborted when the sender is revoked: the message is skipped if not started yet
   * @param deadlines the timers (and time source) of the deadline: the app's, `deadlineTimersFor(app.clock)`
   */
  constructor(
    /** Delivery: the decoded, validated message. */
    readonly message: object,
    /** Delivery: its registered wire name. */
    readonly wireName: string,
    readonly correlationId: string,
    /** Delivery: who sent it. */
    readonly peer: PeerInfo,
    protected readonly timeoutMs: number | undefined,
    /** Delivery: aborted when the sender is revoked. */
    readonly withdrawn: AbortSignal | undefined = undefined,
    private readonly deadlines: DeadlineTimers = systemDeadlineTimers,
  ) {}

  /** The message as handed to the actor's mailbox: the call itself (see the class comment). */
  get delivery(): Delivery {
    return this;
  }

  /** Delivery: replies go to this call. */
  get sink(): InFlightCall {
    return this;
  }

  /**
   * Absolute deadline, epoch ms (undefined when the call has none): `timeoutMs` after the
   * deadline started, or after the first read if it has not started yet. Computed on first read:
   * most handlers never ask, and a call then reads the clock once (to start its timer), not twice.
   */
  get deadline(): number | undefined {
    if (this.timeoutMs === undefined) return undefined;
    if (this.deadlineEpoch === undefined) {
      const { startedAt, deadlines } = this;
      this.deadlineEpoch =
        (startedAt === undefined ? deadlines.epochNow() : deadlines.epochAt(startedAt)) + this.timeoutMs;
    }
    return this.deadlineEpoch;
  }

  /** Aborted when the call expires or is cancelled; becomes the handler's `ctx.signal`. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** ReplySink: `listener` runs once when the signal aborts (at once if it did already). */
  whenAborted(listener: () => void): void {
    if (this.aborted) return listener();
    (this.abortListeners ??= []).push(listener);
  }

  /** True once an outcome was taken (reply, completion, error, expiry or cancellation). */
  get settled(): boolean {
    return this.isSettled;
  }

  abstract next(value: unknown): void | Promise<void>;
  abstract complete(): void;
  abstract error(err: unknown): void;

  /** Starts the deadline timer, if the call has one; call right after a successful enqueue. */
  startDeadline(): void {
    if (this.isSettled || this.timeoutMs === undefined) return;
    this.startedAt = this.deadlines.add(this, clampTimerDelay(this.timeoutMs));
  }

  /** @internal DeadlineEntry: the deadline passed. */
  expireDue(): void {
    this.expireNow();
  }

  /**
   * The deadline passed (the call is already settled): answer the caller accordingly.
   * @returns the reason the handler's signal is aborted with, right after
   */
  protected abstract expire(): unknown;

  /** Takes the outcome: true the first time only (and stops the deadline timer). */
  protected settle(): boolean {
    if (this.isSettled) return false;
    this.isSettled = true;
    if (this.dueList) this.dueList.remove(this);
    return true;
  }

  /** Aborts the handler's signal (created now if nobody read it yet, so a later read sees it aborted). */
  protected abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    const listeners = this.abortListeners;
    this.abortListeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }

  /** Expires the call now (also used for a deadline of 0, which IPC treats as immediate). */
  protected expireNow(): void {
    // A method, not an arrow-function field: nothing passes it around, and a field would be one
    // more closure allocated per call (bench W1).
    if (!this.settle()) return;
    this.abort(this.expire());
  }
}

/**
 * `setTimeout(fn, ms)` with `ms` clamped to [0, 2^31−1] (`clampTimerDelay`: Node fires at once
 * beyond it, docs/protocol.md §9). The timer is unref'd: a pending deadline alone does not keep
 * the process alive (the open socket does).
 * @returns a function that cancels the timer (idempotent)
 */
export function startTimer(ms: number, fn: () => void): () => void {
  const timer = setTimeout(fn, clampTimerDelay(ms));
  timer.unref();
  return () => clearTimeout(timer);
}
