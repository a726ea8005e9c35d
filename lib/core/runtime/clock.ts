import { clampTimerDelay } from './in-flight-call';

/** A scheduled callback of a `Clock`; `cancel()` is idempotent. */
export interface ClockTimer {
  cancel(): void;
}

/**
 * Where the runtime reads the time and schedules its own timers (the `Timers` service and the
 * supervisor's restart backoff). Inject `Clock` to read it; pass `{ clock }` to `bootstrap()` /
 * `createTestingApp()` to replace it (`ManualClock` from `acton-ts/testing` makes timers and
 * backoff deterministic). The default, `SystemClock`, is `Date.now()` + `setTimeout`.
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
    return { cancel: () => clearTimeout(timer) };
  }
}
