import { ActorError } from '../../errors/actor-error';
import { ErrorCode } from '../../errors/error-code';
import { ErrorMessages } from '../../errors/error-messages';
import { Clock, ClockTimer } from '../clock';
import { Delivery } from '../delivery';
import { HandlerJob } from '../handler-context';
import type { ActivationTable } from './activation-table';
import type { KeyActivation } from './key-activation';
import type { KeyedHandler } from './keyed-actor-type';

/** A call to a key that has no activation, waiting for an activation slot (`maxActiveKeys`). */
interface SlotWaiter<H> {
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

/** Most least-recently-used activations passivated by one visit of the table (see `evictForWaiting`). */
const EVICTION_BATCH = 64;

/** What the slot limit asks of its keyed actor type. */
export interface SlotHost {
  /** Starts an activation of `key` (a slot is free). @throws as the activation of a key does */
  activate(key: string): KeyActivation;
  /** Passivates `activation` (its state saved) to free its slot for a waiting key. */
  evict(activation: KeyActivation, why: string): void;
  /** Now on the type's idle clock (what `KeyActivation.lastUsed` holds). */
  idleNow(): number;
}

/**
 * The `maxActiveKeys` limit of one keyed actor type: its calls to new keys waiting for a slot
 * (`SlotWaiters`), the least recently used idle activations passivating to free slots for them,
 * and the errors that name the limit.
 *
 * A call to a new key while `maxActiveKeys` activations are alive waits, first come first served,
 * for a slot — freed by an activation passivating, and asked for by passivating the least recently
 * used idle one (`evictForWaiting`; its state is saved as on any passivation) — until just before
 * its deadline, then fails `TARGET_BUSY` naming the limit. A fire-and-forget does not wait (nobody
 * would hear how it ended): it fails `TARGET_BUSY` at once.
 */
export class SlotLimit {
  /** Calls to new keys waiting for a slot while `maxActiveKeys` activations are alive (taken on first use). */
  private waiters?: SlotWaiters<KeyedHandler>;
  /** Least recently used idle activations passivating to free a slot for a waiting key. */
  private readonly evicting = new Set<KeyActivation>();
  /** The app closes: no call waits or is admitted any more. */
  private closed = false;

  constructor(
    private readonly actor: string,
    private readonly maxActiveKeys: number,
    /** Calls one waiting key may queue (its activation's `mailboxCapacity`). */
    private readonly mailboxCapacity: number,
    private readonly clock: Clock,
    private readonly activations: ActivationTable<KeyActivation>,
    private readonly host: SlotHost,
  ) {}

  /**
   * Whether a call to a new key waits for a slot: `maxActiveKeys` activations are alive, or (first
   * come, first served) calls wait already.
   */
  mustWait(): boolean {
    return this.activations.size >= this.maxActiveKeys || (this.waiters !== undefined && this.waiters.size > 0);
  }

  /**
   * Queues a call to a new key until a slot is free (see the class).
   * @throws ActorError `TARGET_BUSY` for a fire-and-forget, or when too many calls wait already
   */
  wait(key: string, delivery: Delivery, handler: KeyedHandler): void {
    if (!delivery.sink) throw this.atLimit('a fire-and-forget does not wait for one');
    this.waiters ??= new SlotWaiters<KeyedHandler>(
      this.clock,
      (waiter) =>
        waiter.delivery.sink?.error(
          slotWaitEnded(this.actor, this.activations.size, this.maxActiveKeys, this.clock.now() - waiter.since),
        ),
      this.mailboxCapacity,
    );
    this.waiters.add(key, delivery, handler, () => this.atLimit('too many calls wait for one already'));
    this.admitWaiting(); // a slot may be free already (the line moves on), else one is asked for
  }

  /**
   * Gives free slots to the keys waiting longest, in order, each with its calls in order; then asks
   * for slots for the keys still waiting (`evictForWaiting`). Called whenever a slot may have come free.
   */
  admitWaiting(): void {
    const waiters = this.waiters;
    if (waiters === undefined || waiters.size === 0 || this.closed) return;
    while (this.activations.size < this.maxActiveKeys) {
      const next = waiters.shift();
      if (next === undefined) return;
      const [key, calls] = next;
      try {
        const activation = this.activations.get(key) ?? this.host.activate(key);
        activation.lastUsed = this.host.idleNow();
        for (const { delivery, handler } of calls)
          activation.mailbox.enqueue(new HandlerJob(delivery, activation, handler.info.readonly, handler.fn));
      } catch (err) {
        for (const { delivery } of calls) delivery.sink?.error(err);
      }
    }
    this.evictForWaiting();
  }

  /** While calls wait, asks again for slots (an idle sweep: some activations may be idle now). */
  evictIfWaiting(): void {
    if (this.waiters !== undefined && this.waiters.size > 0) this.evictForWaiting();
  }

  /**
   * `activation`'s mailbox went idle: while keys wait for a slot that no passivation under way
   * covers, no other activation was idle to evict (`evictForWaiting` took them all), so this one,
   * the only one idle, is the least recently used idle activation: it is passivated for them.
   */
  becameIdle(activation: KeyActivation): void {
    const waiters = this.waiters;
    if (waiters === undefined || waiters.keys <= this.evicting.size) return;
    if (activation.phase !== 'active' || !activation.idle) return;
    this.evicting.add(activation);
    this.host.evict(activation, this.evictionReason());
  }

  /** `activation` is gone (its slot is free; call `admitWaiting`). */
  passivated(activation: KeyActivation): void {
    this.evicting.delete(activation);
  }

  /** The app closes: every waiting call fails with `reason`; none waits any more. */
  close(reason: unknown): void {
    this.closed = true;
    this.waiters?.clear(reason);
  }

  /** `TARGET_BUSY` for a call to a new key that cannot wait for a slot (`why`). */
  atLimit(why: string): ActorError {
    return slotsTaken(this.actor, this.activations.size, this.maxActiveKeys, why);
  }

  /**
   * Passivates the least recently used idle activations (one visit of the table, at most
   * `EVICTION_BATCH` at a time), one per waiting key not yet covered by a passivation under way.
   * Busy, starting or suspended activations are not evicted; when none is idle, the keys wait for
   * the next passivation or for the next idle sweep to try again.
   */
  private evictForWaiting(): void {
    const wanted = Math.min(EVICTION_BATCH, (this.waiters?.keys ?? 0) - this.evicting.size);
    if (wanted <= 0) return;
    for (const activation of leastRecentlyUsedIdle(this.activations, wanted)) {
      this.evicting.add(activation);
      this.host.evict(activation, this.evictionReason());
    }
  }

  private evictionReason(): string {
    return `least recently used, passivated for a new key at maxActiveKeys (${this.maxActiveKeys})`;
  }
}

/**
 * The calls of one keyed actor type waiting for an activation slot, first come first served by
 * key: a key's calls wait together (in order) and the key that began waiting first gets the next
 * free slot. Each call waits until just before its deadline (`endOfWait`; without one,
 * `NO_DEADLINE_SLOT_WAIT_MS`), or until its caller goes away (its signal aborts); then `expired`
 * tells its caller. One timer on the app's clock, armed for the earliest end of a wait.
 */
class SlotWaiters<H> {
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
function leastRecentlyUsedIdle(table: ActivationTable<KeyActivation>, wanted: number): KeyActivation[] {
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
function slotsTaken(actor: string, active: number, limit: number, why: string): ActorError {
  return new ActorError(
    ErrorCode.TARGET_BUSY,
    `Keyed actor '${actor}' already has ${active} active keys on this node, its limit ` +
      `(@Actor({ maxActiveKeys: ${limit} })), and ${why}: retry later, or raise maxActiveKeys`,
  );
}

/** `TARGET_BUSY` for a call to a new key of `actor` whose wait for a slot (`waitedMs`) ended before one came free. */
function slotWaitEnded(actor: string, active: number, limit: number, waitedMs: number): ActorError {
  return new ActorError(
    ErrorCode.TARGET_BUSY,
    `Keyed actor '${actor}' has ${active} active keys on this node, its limit (@Actor({ maxActiveKeys: ${limit} })), ` +
      `and no slot came free within the call's deadline (waited ${Math.max(0, Math.round(waitedMs))} ms; none was ` +
      `idle to passivate): raise maxActiveKeys, lower idleTimeoutMs, or give the call a longer deadline`,
  );
}
