import { ActorError } from '../../errors/actor-error';
import { ErrorCode } from '../../errors/error-code';
import { ErrorMessages } from '../../errors/error-messages';
import { Clock, ClockTimer } from '../clock';
import { Delivery } from '../delivery';
import type { ActivationTable } from './activation-table';
import type { KeyActivation } from './key-activation';

/** A call to a key that has no activation, waiting for an activation slot (`maxActiveKeys`). */
export interface SlotWaiter<H> {
  readonly delivery: Delivery;
  /** The handler it will run (resolved when it arrived). */
  readonly handler: H;
  /** When it stops waiting, on the app's clock (epoch ms). */
  readonly until: number;
  /** When it began waiting, on the app's clock. */
  readonly since: number;
}

/** How long a call without a deadline waits for a slot (ms). */
export const NO_DEADLINE_SLOT_WAIT_MS = 30_000;

/** Calls that may wait for a slot at once, per keyed actor type and node (beyond: `TARGET_BUSY` at once). */
export const MAX_CALLS_WAITING_FOR_SLOT = 10_000;

/**
 * A waiting call gives up this long before its deadline (at most 100 ms, a tenth of its wait), so
 * that its caller hears `TARGET_BUSY` naming the limit rather than its own bare `TIMEOUT`.
 */
function endOfWait(deadline: number, now: number): number {
  return deadline - Math.min(100, Math.floor((deadline - now) / 10));
}

/**
 * Waiting for an activation slot of a keyed actor type (`maxActiveKeys`): the queue of calls to
 * new keys, which idle activation to passivate for them, and the errors that name the limit.
 *
 * The calls of one keyed actor type waiting for an activation slot, first come first served by
 * key: a key's calls wait together (in order) and the key that began waiting first gets the next
 * free slot. Each call waits until just before its deadline (`endOfWait`; without one,
 * `NO_DEADLINE_SLOT_WAIT_MS`), or until its caller goes away (its signal aborts); then `expired`
 * tells its caller. One timer on the app's clock, armed for the earliest end of a wait.
 */
export class SlotWaiters<H> {
  private readonly byKey = new Map<string, SlotWaiter<H>[]>();
  private count = 0;
  private timer?: ClockTimer;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    /** Calls ended before they got a slot (past their wait, or their caller went away). */
    private readonly expired: (waiter: SlotWaiter<H>) => void,
    /** Calls one key may queue while it waits (its activation's `mailboxCapacity`). */
    private readonly perKeyLimit: number,
  ) {}

  /** Keys waiting. */
  get keys(): number {
    return this.byKey.size;
  }

  /** Calls waiting. */
  get size(): number {
    return this.count;
  }

  /** Whether `key` has calls waiting (later ones for it join them, in order). */
  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /**
   * Queues `delivery` for `key`.
   * @throws ActorError `TARGET_BUSY` when `MAX_CALLS_WAITING_FOR_SLOT` calls wait already, or the
   *   key's own queue is full (`perKeyLimit`)
   */
  add(key: string, delivery: Delivery, handler: H, busy: () => ActorError): void {
    if (this.count >= MAX_CALLS_WAITING_FOR_SLOT) throw busy();
    let waiting = this.byKey.get(key);
    if (waiting && waiting.length >= this.perKeyLimit)
      throw new ActorError(ErrorCode.TARGET_BUSY, ErrorMessages.INBOX_FULL);
    const since = this.clock.now();
    const until =
      delivery.deadline === undefined ? since + NO_DEADLINE_SLOT_WAIT_MS : endOfWait(delivery.deadline, since);
    if (!waiting) this.byKey.set(key, (waiting = []));
    waiting.push({ delivery, handler, until, since });
    this.count++;
    if (until < this.timerAt) this.arm(until);
  }

  /** Takes the key that began waiting first, with its calls in order (those whose caller left are ended). */
  shift(): [string, SlotWaiter<H>[]] | undefined {
    for (const [key, waiting] of this.byKey) {
      this.byKey.delete(key);
      this.count -= waiting.length;
      const live = waiting.filter((waiter) => !this.left(waiter));
      if (live.length > 0) return [key, live];
    }
    return undefined;
  }

  /** Ends every wait (the app closes): each call fails with `reason`. */
  clear(reason: unknown): void {
    const all = [...this.byKey.values()].flat();
    this.byKey.clear();
    this.count = 0;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    for (const waiter of all) waiter.delivery.sink?.error(reason);
  }

  private arm(at: number): void {
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.clock.schedule(this.sweep, at - this.clock.now());
    this.timer.unref?.();
  }

  /** Whether the caller went away (its signal aborted: it heard its own outcome); such a call is dropped. */
  private left(waiter: SlotWaiter<H>): boolean {
    return waiter.delivery.signal?.aborted === true;
  }

  /** Ends the waits that are over, then arms the timer for the earliest one left. */
  private readonly sweep = (): void => {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    const ended: SlotWaiter<H>[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [key, waiting] of this.byKey) {
      const still = waiting.filter((waiter) => {
        if (waiter.until > now && !this.left(waiter)) return true;
        if (!this.left(waiter)) ended.push(waiter);
        return false;
      });
      this.count -= waiting.length - still.length;
      if (still.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, still);
      for (const waiter of still) next = Math.min(next, waiter.until);
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    for (const waiter of ended) this.expired(waiter);
  };
}

/**
 * The `wanted` least recently used idle activations of `table` (active, nothing queued, running or
 * streaming), oldest first: one visit of the table, keeping a sorted list of at most `wanted`.
 * Busy, starting, suspended and passivating activations are never chosen.
 */
export function leastRecentlyUsedIdle(table: ActivationTable<KeyActivation>, wanted: number): KeyActivation[] {
  const oldest: KeyActivation[] = [];
  table.forEach((activation) => {
    if (activation.phase !== 'active' || !activation.idle) return;
    if (oldest.length === wanted) {
      if (activation.lastUsed >= oldest[wanted - 1]!.lastUsed) return;
      oldest.pop();
    }
    let at = oldest.length;
    while (at > 0 && oldest[at - 1]!.lastUsed > activation.lastUsed) at--;
    oldest.splice(at, 0, activation);
  });
  return oldest;
}

/** `TARGET_BUSY` for a call to a new key of `actor` that cannot wait for a slot (`why`). */
export function slotsTaken(actor: string, active: number, limit: number, why: string): ActorError {
  return new ActorError(
    ErrorCode.TARGET_BUSY,
    `Keyed actor '${actor}' already has ${active} active keys on this node, its limit ` +
      `(@Actor({ maxActiveKeys: ${limit} })), and ${why}: retry later, or raise maxActiveKeys`,
  );
}

/** `TARGET_BUSY` for a call to a new key of `actor` whose wait for a slot (`waitedMs`) ended before one came free. */
export function slotWaitEnded(actor: string, active: number, limit: number, waitedMs: number): ActorError {
  return new ActorError(
    ErrorCode.TARGET_BUSY,
    `Keyed actor '${actor}' has ${active} active keys on this node, its limit (@Actor({ maxActiveKeys: ${limit} })), ` +
      `and no slot came free within the call's deadline (waited ${Math.max(0, Math.round(waitedMs))} ms; none was ` +
      `idle to passivate): raise maxActiveKeys, lower idleTimeoutMs, or give the call a longer deadline`,
  );
}
