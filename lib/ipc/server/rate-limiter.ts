import { performance } from 'node:perf_hooks';

/** Rate-limit settings (`[rate_limit]` of ipc.toml, docs/protocol.md §5.1). */
export interface RateLimitSettings {
  readonly enabled: boolean;
  /** Refill rate, tokens per second (> 0 when enabled). */
  readonly requestsPerSecond: number;
  /** Bucket capacity and initial tokens. */
  readonly burstSize: number;
}

/**
 * One connection's token bucket (docs/protocol.md §5.1): starts full (`burstSize` tokens), refills
 * continuously at `requestsPerSecond` (fractional tokens), capped at `burstSize`. Each Request
 * frame takes one token; a rejected request takes none.
 */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;

  /** @param now monotonic clock in milliseconds (tests may pass their own) */
  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = settings.burstSize;
    this.refilledAt = now();
  }

  /**
   * Takes one token if there is one.
   * @returns `-1` when admitted; otherwise the `RATE_LIMITED` wait in whole milliseconds,
   *   floor((1 − tokens) / rps × 1000), which may be 0 (§5.1)
   */
  take(): number {
    if (!this.settings.enabled) return -1;
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return -1;
    }
    return Math.floor(((1 - this.tokens) / this.settings.requestsPerSecond) * 1000);
  }

  private refill(): void {
    const now = this.now();
    const elapsedSeconds = (now - this.refilledAt) / 1000;
    this.refilledAt = now;
    this.tokens = Math.min(this.settings.burstSize, this.tokens + elapsedSeconds * this.settings.requestsPerSecond);
  }
}
