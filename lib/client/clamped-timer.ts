/** Node fires `setTimeout` at once for delays above 2^31−1 ms (docs/protocol.md §9), so longer ones are capped there (≈ 24.8 days). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * `setTimeout(fn, ms)` with `ms` clamped to [0, 2^31−1]. The timer is unref'd: a pending
 * deadline alone does not keep the process alive (the open socket does).
 * @returns a function that cancels the timer (idempotent)
 */
export function startTimer(ms: number, fn: () => void): () => void {
  const timer = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_DELAY_MS));
  timer.unref();
  return () => clearTimeout(timer);
}
