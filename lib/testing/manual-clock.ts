import { Clock, ClockTimer } from '../core/runtime/clock';

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** Settles pending microtasks and one macrotask turn, so mailboxes run what a tick delivered. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A `Clock` that only moves when told to, for deterministic tests of `Timers`, restart backoff
 * and deadlines (`app.ask` / `app.stream` `timeoutMs`, IPC `response_timeout_ms`: a call times
 * out when the clock is advanced past its deadline, never by real time). Pass it as
 * `createTestingApp(Module, { clock })`.
 *
 * `advance(ms)` moves time forward in steps, firing every timer that falls due on the way, in
 * due-time order, with `now()` equal to each timer's due time while it runs, and lets the
 * actors handle what was delivered before the next step. `stall(ms)` moves time without firing
 * anything (an event loop that was blocked): overdue timers fire at the next `advance`.
 *
 * @example
 * const clock = new ManualClock();
 * const app = await createTestingApp(AppModule, { clock });
 * await clock.advance(1_000);
 */
export class ManualClock extends Clock {
  private current: number;
  private queue: Scheduled[] = [];
  private nextSeq = 0;

  /** @param startMs initial `now()`, epoch ms; default 2026-01-01T00:00:00Z */
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    super();
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  schedule(callback: () => void, delayMs: number): ClockTimer {
    const entry: Scheduled = {
      at: this.current + Math.max(0, delayMs),
      seq: this.nextSeq++,
      callback,
      cancelled: false,
    };
    this.queue.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
        this.queue = this.queue.filter((other) => other !== entry);
      },
    };
  }

  /**
   * Timers scheduled and not yet fired or cancelled: `Timers`, restart backoffs, and one per
   * distinct deadline delay while calls with that delay are waiting.
   */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Moves time forward by `ms` (>= 0), firing due timers in order (see the class comment).
   * Resolves once the actors handled what the timers delivered.
   * @throws RangeError when `ms` is negative or not finite
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`ManualClock.advance(${ms}): use a finite number of milliseconds >= 0`);
    const target = this.current + ms;
    await settle();
    for (;;) {
      const next = this.earliestDue(target);
      if (!next) break;
      this.queue = this.queue.filter((other) => other !== next);
      this.current = Math.max(this.current, next.at);
      next.callback();
      await settle();
      await settle();
    }
    this.current = target;
    await settle();
  }

  /**
   * Moves time forward by `ms` without firing anything, as if the event loop had been blocked;
   * the overdue timers fire at the next `advance` (use `advance(0)`).
   */
  stall(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`ManualClock.stall(${ms}): use a finite number of milliseconds >= 0`);
    this.current += ms;
  }

  private earliestDue(limit: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const entry of this.queue) {
      if (entry.at > limit) continue;
      if (!best || entry.at < best.at || (entry.at === best.at && entry.seq < best.seq)) best = entry;
    }
    return best;
  }
}
