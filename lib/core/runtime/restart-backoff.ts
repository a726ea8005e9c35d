import { BackoffOptions, ResolvedSupervision } from '../metadata/supervision-options';
import { Clock, ClockTimer } from './clock';

/**
 * Delay before restart number `attempt` (1-based, counted since the backoff last reset):
 * `minMs × 2^(attempt-1)`, capped at `maxMs`; with `jitter` j, that delay d becomes
 * d × (1 + j × random()), still capped at `maxMs` (Akka's `randomFactor`).
 * @param random a number in [0, 1), default `Math.random`
 */
export function restartDelay(
  attempt: number,
  backoff: Required<BackoffOptions>,
  random: () => number = Math.random,
): number {
  const doubled = backoff.minMs * 2 ** Math.min(Math.max(0, attempt - 1), 52);
  const base = Math.min(backoff.maxMs, doubled);
  if (backoff.jitter === 0) return base;
  return Math.min(backoff.maxMs, base * (1 + backoff.jitter * random()));
}

/** What the supervisor should do with one failure of an actor. */
export type RestartDecision =
  { readonly restart: true; readonly attempt: number; readonly delayMs: number } | { readonly restart: false };

/**
 * One actor's restart record: the restarts inside the sliding `withinMs` window (the limit) and
 * the consecutive-restart count that drives the backoff, reset after `resetAfterMs` without a
 * failure. Owned by the supervisor, one per actor name; survives the actor's restarts.
 */
export class RestartHistory {
  private restarts: number[] = [];
  private attempt = 0;
  private lastFailureAt?: number;

  constructor(
    private readonly policy: ResolvedSupervision,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Records a failure at `now` (epoch ms) and decides: restart (with its attempt number and
   * backoff delay), or not, when `maxRestarts` restarts already happened within `withinMs`.
   */
  onFailure(now: number): RestartDecision {
    if (this.lastFailureAt !== undefined && now - this.lastFailureAt >= this.policy.resetAfterMs) this.attempt = 0;
    this.lastFailureAt = now;
    this.restarts = this.restarts.filter((at) => now - at < this.policy.withinMs);
    if (this.restarts.length >= this.policy.maxRestarts) return { restart: false };
    this.restarts.push(now);
    this.attempt++;
    return {
      restart: true,
      attempt: this.attempt,
      delayMs: restartDelay(this.attempt, this.policy.backoff, this.random),
    };
  }
}

/**
 * The restart backoffs waiting on the app's clock (the supervisor's, a keyed actor's): each
 * `wait` resolves once its delay passed, or at once when `wakeAll()` is called (the app closes).
 */
export class BackoffTimers {
  private readonly waiting = new Map<ClockTimer, () => void>();

  constructor(private readonly clock: Clock) {}

  /** Resolves `delayMs` from now on the clock (at once for 0), or at `wakeAll()`. */
  wait(delayMs: number): Promise<void> {
    if (delayMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.clock.schedule(() => {
        this.waiting.delete(timer);
        resolve();
      }, delayMs);
      this.waiting.set(timer, resolve);
    });
  }

  /** Cancels every pending wait and resolves it now. */
  wakeAll(): void {
    for (const [timer, wake] of this.waiting) {
      timer.cancel();
      wake();
    }
    this.waiting.clear();
  }
}

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
