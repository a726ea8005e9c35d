/**
 * Delay before reconnect attempt `attempt` (1-based), ms: exponential backoff with full jitter
 * — a random value in [0, min(maxDelayMs, initialDelayMs × 2^(attempt−1))] — so clients that
 * lost the same server do not all come back at the same instant.
 * @param random a [0, 1) source; default `Math.random`
 */
export function backoffDelay(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  return Math.floor(random() * ceiling);
}
