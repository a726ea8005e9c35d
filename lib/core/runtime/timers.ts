import type { ActorTarget } from './acton-app';
import { Clock, ClockTimer } from './clock';
import { Logger } from './logger';
import { ReplySink } from './reply-sink';

/** How `sendEvery` paces its messages. */
export type TimerMode = 'fixed-rate' | 'fixed-delay';

/** Options of `Timers.sendEvery`. */
export interface SendEveryOptions {
  /**
   * `fixed-rate` (default): ticks are due at start + k × period, whatever the handler takes;
   * `fixed-delay`: the next tick is sent `ms` after the target finished handling the previous one.
   */
  readonly mode?: TimerMode;
}

/** A scheduled send; `cancel()` is idempotent. */
export interface TimerHandle {
  /** Stops the timer; a message already delivered is still handled. */
  cancel(): void;
  /** False once cancelled, or once a one-shot timer fired. */
  readonly active: boolean;
}

/** @internal how a timer hands its message to an actor (implemented by `ActonApp`) */
export interface TimerDelivery {
  /**
   * Enqueues `message` for `target`; the handler's outcome goes to `sink`.
   * @throws ActorError when the target is unknown, has no handler, or its mailbox refuses it
   */
  deliverTimed(target: ActorTarget, message: object, sink: ReplySink): void;
}

/**
 * Scheduled sends (acton-reactive's `send_after` / `send_at` / `send_every`), paced by the
 * app's `Clock`. Inject `Timers` (an actor gets its own, also as `ctx.timers`: its timers are
 * cancelled when it stops or restarts; a provider gets the app's, cancelled when the app closes).
 *
 * Missed ticks are merged, never sent in a burst: a periodic tick is skipped while the previous
 * one is still queued or running, and after a stall (a blocked event loop) only one tick is sent.
 * A tick the target refuses (unknown, full mailbox, stopped) or fails on is logged, and the
 * timer keeps going until cancelled.
 */
export class Timers {
  private readonly live = new Set<TimerHandle>();
  private closed = false;

  /** @internal built by the app; inject `Timers` instead */
  constructor(
    private readonly clock: Clock,
    private readonly delivery: TimerDelivery,
    private readonly logger: Logger,
    /** Who owns these timers, for logs: an actor's name or `'app'`. */
    private readonly owner: string,
  ) {}

  /** Timers scheduled and not cancelled (a fired one-shot no longer counts). */
  get active(): number {
    return this.live.size;
  }

  /**
   * Sends `message` to `target` once, `ms` milliseconds from now.
   * @throws RangeError when `ms` is not a finite number >= 0; Error once the owner stopped
   */
  sendAfter(target: ActorTarget, message: object, ms: number): TimerHandle {
    checkDelay(ms, 'sendAfter', 'ms');
    return this.oneShot(target, message, ms);
  }

  /**
   * Sends `message` to `target` once, at `date` (at once when it is in the past).
   * @throws RangeError when `date` is not a valid Date or epoch-ms number
   */
  sendAt(target: ActorTarget, message: object, date: Date | number): TimerHandle {
    const at = date instanceof Date ? date.getTime() : date;
    if (typeof at !== 'number' || !Number.isFinite(at)) {
      throw new RangeError(`Timers.sendAt(): invalid date ${String(date)}; pass a valid Date or epoch milliseconds`);
    }
    return this.oneShot(target, message, Math.max(0, at - this.clock.now()));
  }

  /**
   * Sends `message` to `target` every `ms` milliseconds until cancelled (see `SendEveryOptions`).
   * @throws RangeError when `ms` is not a finite number > 0 or the mode is unknown
   */
  sendEvery(target: ActorTarget, message: object, ms: number, options: SendEveryOptions = {}): TimerHandle {
    checkDelay(ms, 'sendEvery', 'ms');
    if (ms === 0) throw new RangeError('Timers.sendEvery(): ms must be > 0 (a period of 0 would never yield)');
    const mode = options.mode ?? 'fixed-rate';
    if (mode !== 'fixed-rate' && mode !== 'fixed-delay') {
      throw new RangeError(
        `Timers.sendEvery(): unknown mode ${JSON.stringify(mode)}; use 'fixed-rate' or 'fixed-delay'`,
      );
    }
    this.assertOpen();
    const start = this.clock.now();
    let pending: ClockTimer | undefined;
    let outstanding = false;
    const handle = this.handle(() => pending?.cancel());
    const schedule = (delay: number): void => {
      if (handle.active) pending = this.clock.schedule(tick, delay);
    };
    const handled = (): void => {
      outstanding = false;
      if (mode === 'fixed-delay') schedule(ms);
    };
    const tick = (): void => {
      if (!handle.active) return;
      if (!outstanding) outstanding = this.send(target, message, handled);
      if (mode === 'fixed-delay') {
        if (!outstanding) schedule(ms);
        return;
      }
      // Fixed rate: the next multiple of the period after now, so a stall yields one tick.
      const now = this.clock.now();
      schedule(start + ms * (Math.floor((now - start) / ms) + 1) - now);
    };
    schedule(ms);
    return handle;
  }

  /** @internal cancels every timer and refuses new ones (the owner stopped or restarted) */
  cancelAll(): void {
    this.closed = true;
    for (const handle of [...this.live]) handle.cancel();
  }

  private oneShot(target: ActorTarget, message: object, delay: number): TimerHandle {
    this.assertOpen();
    let pending: ClockTimer | undefined = undefined;
    const handle = this.handle(() => pending?.cancel());
    pending = this.clock.schedule(() => {
      if (!handle.active) return;
      handle.cancel();
      this.send(target, message, () => undefined);
    }, delay);
    return handle;
  }

  private handle(stop: () => void): TimerHandle {
    let active = true;
    const handle: TimerHandle = {
      cancel: () => {
        if (!active) return;
        active = false;
        this.live.delete(handle);
        stop();
      },
      get active() {
        return active;
      },
    };
    this.live.add(handle);
    return handle;
  }

  /** Delivers one tick; returns whether it was enqueued (then `handled` runs once it ends). */
  private send(target: ActorTarget, message: object, handled: () => void): boolean {
    const sink: ReplySink = {
      next: () => undefined,
      complete: handled,
      error: (err: unknown) => {
        const what = `A timer of ${this.owner} sent ${message.constructor.name} to ${describe(target)}`;
        this.logger.warn(`${what}: the handler failed: ${text(err)}`);
        handled();
      },
    };
    try {
      this.delivery.deliverTimed(target, message, sink);
      return true;
    } catch (err) {
      this.logger.warn(
        `A timer of ${this.owner} could not send ${message.constructor.name} to ${describe(target)}: ${text(err)}`,
      );
      return false;
    }
  }

  private assertOpen(): void {
    if (this.closed)
      throw new Error(`Cannot schedule a timer for ${this.owner}: it has stopped (its timers were cancelled)`);
  }
}

function checkDelay(ms: number, method: string, what: string): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(
      `Timers.${method}(): ${what} must be a finite number of milliseconds >= 0 (got ${String(ms)})`,
    );
  }
}

function describe(target: ActorTarget): string {
  if (typeof target === 'string') return `'${target}'`;
  if (typeof target === 'function') return target.name;
  return `'${(target as { name?: string }).name ?? String(target)}'`;
}

function text(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
