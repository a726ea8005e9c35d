/** Largest delay `setTimeout` honours; beyond it Node fires at once (PROTOCOL.md §9). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms` clamped to what `setTimeout` can wait (0 … 2^31-1 ms). */
export function clampTimerDelay(ms: number): number {
  return Math.max(0, Math.min(ms, MAX_TIMER_MS));
}
