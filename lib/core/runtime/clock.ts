/**
 * Largest delay `setTimeout` honours; beyond it Node fires at once (docs/protocol.md §9), so
 * longer delays and deadlines are capped there (≈ 24.8 days). The one definition of this limit.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** `ms` clamped to what `setTimeout` can wait (0 … 2^31−1 ms). */
export function clampTimerDelay(ms: number): number {
  return Math.max(0, Math.min(ms, MAX_TIMER_DELAY_MS));
}

/** A scheduled callback of a `Clock`; `cancel()` is idempotent. */
export interface ClockTimer {
  cancel(): void;
  /**
   * Where a process timer is behind it (`SystemClock`): it no longer keeps the process alive.
   * Optional: a clock without process timers (e.g. `ManualClock`) leaves it out.
   */
  unref?(): void;
}

/**
 * Where the runtime reads the time and schedules its own timers (the `Timers` service, the
 * supervisor's restart backoff, and the deadlines of `app.ask` / `app.stream` and IPC calls).
 * Inject `Clock` to read it; pass `{ clock }` to `bootstrap()` / `createTestingApp()` to replace
 * it (`ManualClock` from `acton-ts/testing` makes timers, deadlines and backoff deterministic).
 * The default, `SystemClock`, is `Date.now()` + `setTimeout`.
 */
export abstract class Clock {
  /** Current time, epoch milliseconds. */
  abstract now(): number;
  /**
   * Calls `callback` once, `delayMs` milliseconds from now (negative delays count as 0).
   * @returns the handle that cancels it
   */
  abstract schedule(callback: () => void, delayMs: number): ClockTimer;
}

/** The real clock: `Date.now()` and `setTimeout` (delays clamped to what `setTimeout` can wait). */
export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }

  schedule(callback: () => void, delayMs: number): ClockTimer {
    const timer = setTimeout(callback, clampTimerDelay(delayMs));
    return { cancel: () => clearTimeout(timer), unref: () => void timer.unref() };
  }
}
