import { performance } from 'node:perf_hooks';

/**
 * How often, per timeout, the clock looks whether the connection was active: an idle connection
 * is reported between 1 and 1 + 1/LOOKS_PER_TIMEOUT timeouts after its last activity.
 */
const LOOKS_PER_TIMEOUT = 4;
/** Timers fire on libuv's millisecond clock: a look this close to the timeout counts as past it. */
const SLACK_MS = 1;

/**
 * A connection's idle read timeout (docs/protocol.md §5.3) that costs one property store per
 * activity: `touch()` only marks the connection active, and one unref'd timer looks every
 * timeout / `LOOKS_PER_TIMEOUT` ms whether it was. Why: re-arming a Node timer (`refresh()`, a
 * clock read and a timer-list move) on every frame and every answer was one of the costs a lone
 * request paid that the framework-free baseline did not (bench W1, issue 19).
 *
 * `onIdle(timeoutMs)` runs once the connection was not touched for the timeout (at most a
 * quarter of it late); it runs again only after another whole timeout without a touch.
 */
export class IdleClock {
  private timer?: NodeJS.Timeout;
  private timeoutMs = 0;
  private touched = false;
  /** When a look last found the connection touched (or the clock started), `performance.now()` ms. */
  private quietSince = 0;

  constructor(private readonly onIdle: (timeoutMs: number) => void) {}

  /** The timeout in ms; 0 = none. */
  get ms(): number {
    return this.timeoutMs;
  }

  /** Sets the timeout (0 = none) and starts counting from now; setting the running timeout again changes nothing. */
  set(ms: number): void {
    if (ms === this.timeoutMs && (this.timer || ms === 0)) return;
    this.stop();
    this.timeoutMs = ms;
    if (ms <= 0) return;
    this.touched = false;
    this.quietSince = performance.now();
    this.timer = setTimeout(this.look, Math.max(1, Math.ceil(ms / LOOKS_PER_TIMEOUT)));
    this.timer.unref();
  }

  /** The connection did something (a complete frame, an answer): the idle time starts again. */
  touch(): void {
    this.touched = true;
  }

  /** Stops the clock for good (the connection closes). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timeoutMs = 0;
  }

  private readonly look = (): void => {
    const now = performance.now();
    if (this.touched) {
      this.touched = false;
      this.quietSince = now;
    } else if (now - this.quietSince + SLACK_MS >= this.timeoutMs) {
      this.quietSince = now;
      this.onIdle(this.timeoutMs);
    }
    this.timer?.refresh(); // `onIdle` may have stopped the clock
  };
}
