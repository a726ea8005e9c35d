import { clampTimerDelay } from '../core/runtime/in-flight-call';

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
