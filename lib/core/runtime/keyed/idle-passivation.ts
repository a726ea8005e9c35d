import { Clock, ClockTimer } from '../clock';
import type { ActivationTable } from './activation-table';
import type { KeyActivation } from './key-activation';

/** Bounds of the least gap between two idle sweeps (a quarter of `idleTimeoutMs`, clamped here). */
const SWEEP_MIN_MS = 10;
const SWEEP_MAX_MS = 1_000;
/** Span of the idle clock (`now`) before it is moved forward: readings stay small integers. */
const IDLE_CLOCK_SPAN = 2 ** 30;

/** What the idle sweep asks of its keyed actor type. */
export interface IdleSweepHost {
  /** Called as a sweep starts (some activation is alive); `false` stops sweeping (the type closes). */
  sweepStarts(): boolean;
  /** Passivates `activation`, idle past its deadline (`why` names the timeout). */
  passivateIdle(activation: KeyActivation, why: string): void;
}

/**
 * Idle passivation of one keyed actor type: its idle clock (what `KeyActivation.lastUsed` holds)
 * and the sweep, one timer on the app's clock, that passivates activations idle for `idleTimeoutMs`.
 */
export class IdlePassivation {
  /** The next idle sweep, on the app's clock; none while no activation is alive. */
  private sweeper?: ClockTimer;
  /** Least gap between two sweeps (each visits every activation): a quarter of `idleTimeoutMs`, 10 ms … 1 s. */
  private readonly sweepGapMs: number;
  /**
   * The app clock's reading where the idle clock starts: `KeyActivation.lastUsed` holds ms since
   * then (see `now`), a small integer stored in the activation itself. An epoch time, or any
   * number computed from one without `| 0`, is a double, and V8 keeps a double field as a separate
   * heap number per activation (16 bytes, one more allocation per activation). Moved forward
   * every 2^30 ms (12.4 days) so that the integer stays small (`rebase`).
   */
  private origin: number;

  constructor(
    private readonly clock: Clock,
    private readonly activations: ActivationTable<KeyActivation>,
    private readonly idleTimeoutMs: number,
    private readonly host: IdleSweepHost,
  ) {
    this.origin = clock.now();
    this.sweepGapMs = Math.min(SWEEP_MAX_MS, Math.max(SWEEP_MIN_MS, Math.floor(idleTimeoutMs / 4)));
  }

  /** Now on the app's clock, in whole ms since `origin` (what `KeyActivation.lastUsed` holds). */
  now(): number {
    const elapsed = this.clock.now() - this.origin;
    return elapsed < IDLE_CLOCK_SPAN ? elapsed | 0 : this.rebase(elapsed);
  }

  /** An activation started: sweeping starts unless a sweep is pending. */
  activationStarted(): void {
    // No sweep pending means no other activation: this one's deadline is the earliest.
    if (!this.sweeper) this.schedule(this.idleTimeoutMs);
  }

  /** Stops sweeping (the app closes). */
  stop(): void {
    this.sweeper?.cancel();
    this.sweeper = undefined;
  }

  /**
   * Moves `origin` to now and every activation's `lastUsed` back by as much (once per 12.4
   * days of the app's clock). A `lastUsed` more than `IDLE_CLOCK_SPAN` ms back is kept at that
   * bound: the activation was idle longer than any `idleTimeoutMs` up to 12.4 days (so it is
   * passivated as before); with a longer timeout, it passivates later than its exact deadline,
   * never earlier. Returns the new now, 0.
   */
  private rebase(elapsed: number): number {
    this.origin += elapsed;
    this.activations.forEach((activation) => {
      activation.lastUsed = Math.max(activation.lastUsed - elapsed, -IDLE_CLOCK_SPAN) | 0;
    });
    return 0;
  }

  /** Arms the next sweep `delayMs` from now on the app's clock (a `ManualClock` drives it in tests). */
  private schedule(delayMs: number): void {
    this.sweeper = this.clock.schedule(this.sweep, delayMs);
    this.sweeper.unref?.(); // idle activations alone do not keep the process alive
  }

  /**
   * Passivates the activations idle for `idleTimeoutMs`, then arms the next sweep for the
   * earliest deadline still ahead (a later message only moves a deadline later), at least
   * `sweepGapMs` away, so a lone idle key passivates exactly at its deadline and many keys with
   * spread-out deadlines cost one visit each per gap. An activation that is busy, starting or
   * passivating is looked at again one gap later. Sweeping stops when no activation is left.
   */
  private readonly sweep = (): void => {
    this.sweeper = undefined;
    if (this.activations.size === 0 || !this.host.sweepStarts()) return;
    const now = this.now();
    const { idleTimeoutMs } = this;
    let nextDue = Infinity;
    this.activations.forEach((activation) => {
      if (activation.phase !== 'active' || !activation.idle) {
        nextDue = Math.min(nextDue, now + this.sweepGapMs);
        return;
      }
      const due = activation.lastUsed + idleTimeoutMs;
      if (due <= now) this.host.passivateIdle(activation, `idle for ${idleTimeoutMs} ms`);
      else if (due < nextDue) nextDue = due;
    });
    this.schedule(Math.max(this.sweepGapMs, nextDue === Infinity ? this.sweepGapMs : nextDue - now));
  };
}
