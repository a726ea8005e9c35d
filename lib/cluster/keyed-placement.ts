import { setTimeout as sleep } from 'node:timers/promises';
import { ActorError } from '../core/errors/actor-error';
import { ErrorCode } from '../core/errors/error-code';
import { Delivery } from '../core/runtime/delivery';
import { splitKeyedName } from '../core/runtime/keyed/keyed-key';
import { KeyedActorType, KeyGate } from '../core/runtime/keyed/keyed-actor-type';
import { Logger } from '../core/runtime/logger';
import { MessageRegistry } from '../core/metadata/message-registry';
import { WirePayload } from '../core/runtime/wire-payload';
import { deliverHere } from './forwarded-payload';
import { ClusterSubjects } from './cluster-wire';
import { StateFence } from './jetstream-keyed-state-store';
import { KeyClaims } from './key-claims';
import { isRefusedBeforeDelivery, KeyedCallRetry, resendDelayMs } from './keyed-call-retry';
import { NodeAnnouncement, NodeDirectory } from './node-directory';
import { RemoteCalls } from './remote-calls';
import { RemoteReplySink } from './remote-reply-sink';
import { ServedCalls } from './served-calls';

/** Counters of keyed placement on this node (see `ClusterStatsSnapshot.keyed`). */
export interface KeyedPlacementStats {
  /** Per keyed actor type: keys active here, activations and passivations since start. */
  readonly actors: Readonly<Record<string, { active: number; activations: number; passivations: number }>>;
  /** Activations passivated here because their key now belongs to another node (a move). */
  readonly moves: number;
  /** Key claims this node holds now. */
  readonly leasesHeld: number;
  /** Calls to keys sent again to the key's new node (refused, or never started, by the old one). */
  readonly callsResent: number;
  /** Acknowledged fire-and-forgets (`tell`) to keys sent again: refused before any mailbox took them. */
  readonly tellsResent: number;
  /** Times this node's lease lapsed (not renewed for `nodeTimeoutMs / 2`) and it suspended all its keys. */
  readonly leaseLapses: number;
  /** Keys suspended by a lapse that ran on here afterwards, their claim still this node's (no hook ran). */
  readonly keysResumed: number;
}

/** A call to a key of a keyed actor that no live node declares now: it waits for one to come up. */
interface WaitingCall {
  readonly key: string;
  readonly delivery: Delivery;
  /** Epoch ms when it stops waiting: its deadline, or `NO_DEADLINE_WAIT_MS` after it began when it has none. */
  readonly until: number;
}

/** How long a call without a deadline waits for a node to host its keyed actor (ms). */
export const NO_DEADLINE_WAIT_MS = 30_000;

/** Calls that may wait at once for a node to host their keyed actor (beyond: `TARGET_BUSY`). */
export const MAX_CALLS_WAITING_FOR_NODE = 100_000;

/** How a `KeyedPlacement` forgets a passivated key's state revision (`JetStreamKeyedStateStore.forget`). */
export type ForgetState = (actor: string, key: string) => void;

/**
 * Keyed actors on the cluster (virtual actors, docs/protocol.md §4):
 *
 * - Placement: each key goes to the live node, among those declaring the actor, with the highest
 *   rendezvous score `fnv1a(node + "\0" + actor + "/" + key)`; a node joining or leaving moves only
 *   the keys it wins or held.
 * - Exactly one activation per key: before a key activates, its node claims it in the JetStream
 *   KV bucket under its node lease (`KeyClaims`: one lease renewal per node per heartbeat, one
 *   create per activation, one delete per passivation); a node whose lease lapsed suspends all its
 *   activations before any other node can take their keys, and once its lease is renewed resumes
 *   those whose claims nobody took (re-asserted by compare-and-set) and stops the others.
 * - Calls during moves wait: a call to a key whose claim is still held elsewhere waits in the new
 *   activation's mailbox (suspended while it claims) until the claim is won; a call the old node
 *   refused or never started is sent again (`KeyedCallRetry`); only the call's deadline ends it.
 *   A call to a keyed actor that some node declared since this node started, while no live node
 *   declares it (all of them restarting, or this node's own event loop stalled past `nodeTimeoutMs`
 *   so that it forgot them), waits for one, also until its deadline. Only a name no node has
 *   declared (as far as this node heard) is `ACTOR_NOT_FOUND` at once.
 */
export class KeyedPlacement implements KeyGate, StateFence {
  private readonly types = new Map<string, KeyedActorType>();
  private readonly undo: (() => void)[] = [];
  private readonly resent = { count: 0 };
  /** Keyed actors declared here or announced by another node since this node started. */
  private readonly knownKeyed = new Set<string>();
  /** Per keyed actor no live node declares now: the calls waiting for one. */
  private readonly waiting = new Map<string, WaitingCall[]>();
  private waitingCount = 0;
  private moved = 0;
  private resumed = 0;
  private tellsResent = 0;
  /** The re-check of suspended claims under way (one at a time). */
  private rechecking?: Promise<void>;
  private forgetState?: ForgetState;

  constructor(
    private readonly selfId: string,
    private readonly subjects: ClusterSubjects,
    private readonly directory: NodeDirectory,
    private readonly calls: RemoteCalls,
    private readonly served: ServedCalls,
    private readonly claims: KeyClaims,
    private readonly retryMs: number,
    private readonly claimTimeoutMs: number,
    private readonly logger: Logger,
    /** Validates a payload an entry node forwarded undecoded, when its key runs here. */
    private readonly registry: MessageRegistry,
  ) {}

  /** Hosts keys of `type` on this node: serves its subject and gates its activations by lease. */
  adopt(type: KeyedActorType): () => void {
    this.types.set(type.name, type);
    type.useGate(this);
    const unserve = this.served.serveKeys(this.subjects.keyedPrefix(type.name, this.selfId), (key) => type.forKey(key));
    this.undo.push(unserve);
    return unserve;
  }

  /** Wins this node's lease when it hosts keyed actors (waiting out a stale one of an earlier run). */
  async join(): Promise<void> {
    if (this.types.size > 0) await this.claims.join();
  }

  /** A key's state revision is forgotten by the state store when its activation here is gone. */
  forgetStateWith(forget: ForgetState): void {
    this.forgetState = forget;
  }

  /** Whether `actor` is a keyed actor declared here, or by another node since this node started. */
  isKeyed(actor: string): boolean {
    if (this.types.has(actor) || this.knownKeyed.has(actor)) return true;
    if (this.directory.describe(actor)?.placement !== 'keyed') return false;
    this.knownKeyed.add(actor);
    return true;
  }

  /** A heartbeat of another node: learns the keyed actors it declares; calls waiting for one go to it. */
  heard(announcement: NodeAnnouncement): void {
    for (const actor of announcement.actors) if (actor.placement === 'keyed') this.knownKeyed.add(actor.name);
    if (this.waitingCount > 0) this.wake(Date.now());
  }

  /** The node that hosts `actor/key` now (rendezvous over the live nodes declaring `actor`). */
  placeOf(actor: string, key: string): string | undefined {
    let best: string | undefined;
    let bestScore = -1;
    const consider = (node: string): void => {
      const score = rendezvousScore(node, actor, key);
      if (score > bestScore || (score === bestScore && best !== undefined && node < best)) {
        best = node;
        bestScore = score;
      }
    };
    if (this.types.has(actor)) consider(this.selfId);
    for (const node of this.directory.nodesServing(actor)) consider(node);
    return best;
  }

  /**
   * Delivers to `actor/key` on the node that hosts it, which validates a payload forwarded
   * undecoded (`WirePayload`); while no live node declares `actor`, a call waits for one
   * (`waitForNode`). A fire-and-forget `acknowledged` by the key's mailbox returns a Promise when
   * that is on another node (see `RemoteCalls.sendAcknowledged`).
   * @throws ActorError `ACTOR_NOT_FOUND` for a fire-and-forget while no live node declares `actor`,
   *   `TARGET_BUSY` past `MAX_CALLS_WAITING_FOR_NODE` waiting calls
   */
  route(actor: string, key: string, delivery: Delivery, acknowledged = false): void | Promise<void> {
    if (!acknowledged || delivery.sink) return this.routeOnce(actor, key, delivery, acknowledged);
    const until = Date.now() + NO_DEADLINE_WAIT_MS;
    let sent: void | Promise<void>;
    try {
      sent = this.routeOnce(actor, key, delivery, true);
    } catch (err) {
      return this.tellRefused(actor, key, delivery, err, 0, until);
    }
    return sent?.catch((err: unknown) => this.tellRefused(actor, key, delivery, err, 0, until));
  }

  /**
   * A fire-and-forget whose sender waits for its delivery ack (`app.tell`'s receipt) was refused
   * with `err`: when it never reached a mailbox (`isRefusedBeforeDelivery`: the key's node left,
   * is leaving or no longer subscribes) it cannot have run, so it is routed again — to the key's
   * new node once placement knows it — backing off as calls do (`resendDelayMs`), until `until`
   * (`NO_DEADLINE_WAIT_MS` after it was first sent, as a call without a deadline waits for a node);
   * then, or for any other failure, the sender gets `err`. Counted as `tellsResent`.
   */
  private async tellRefused(
    actor: string,
    key: string,
    delivery: Delivery,
    err: unknown,
    attempt: number,
    until: number,
  ): Promise<void> {
    const wait = resendDelayMs(this.retryMs, attempt);
    if (!isRefusedBeforeDelivery(err) || Date.now() + wait > until) throw err;
    await sleep(wait);
    this.tellsResent++;
    try {
      await this.routeOnce(actor, key, delivery, true);
    } catch (again) {
      await this.tellRefused(actor, key, delivery, again, attempt + 1, until);
    }
  }

  /** `route` without re-sending a refused fire-and-forget. */
  private routeOnce(actor: string, key: string, delivery: Delivery, acknowledged: boolean): void | Promise<void> {
    const node = this.placeOf(actor, key);
    if (node === undefined) return this.waitForNode(actor, key, delivery);
    // A call refused by a node the key is leaving is routed again (see KeyedCallRetry).
    const routed =
      delivery.sink && !(delivery.sink instanceof KeyedCallRetry)
        ? new KeyedCallRetry(delivery, (again) => this.route(actor, key, again), this.retryMs, this.resent).routed
        : delivery;
    if (node === this.selfId) {
      const type = this.types.get(actor)!;
      if (routed.message instanceof WirePayload) return deliverHere(type.forKey(key), routed, this.registry);
      return type.deliverTo(key, routed);
    }
    const name = `${actor}/${key}`;
    const subject = this.subjects.keyed(actor, node, key);
    if (acknowledged && !routed.sink) return this.calls.sendAcknowledged(name, routed, node, subject, true);
    try {
      this.calls.send(name, routed, node, subject, true);
    } catch (err) {
      // NATS is down (reconnecting): the call never left, so it waits to be sent, until its deadline.
      if (this.calls.connected || !(routed.sink instanceof KeyedCallRetry)) throw err;
      routed.sink.notSent(err);
    }
  }

  /** KeyGate: claims the key under this node's lease, waiting until it is won or `claimTimeoutMs` passed. */
  claim(actor: string, key: string): Promise<boolean> {
    return this.claims.claim(actor, key, Date.now() + this.claimTimeoutMs);
  }

  /**
   * KeyGate: the key's claim is held under a fresh node lease. Checked just before each message's
   * handler starts: a call from another node is then told it was received (its RECEIVED frame), so
   * its caller knows it must not be sent again if this node is lost.
   */
  holds(actor: string, key: string, delivery?: Delivery): boolean {
    if (!this.types.has(actor)) return true;
    if (!this.claims.holds(actor, key)) return false;
    if (delivery?.sink instanceof RemoteReplySink) delivery.sink.received();
    return true;
  }

  /** KeyGate: deletes the key's claim (the activation is gone). */
  release(actor: string, key: string): void {
    void this.claims.release(actor, key);
    this.forgetState?.(actor, key);
  }

  /** StateFence: this node holds the claim of `actor/key`, or holds it suspended after a lapse. */
  mayWrite(actor: string, key: string): boolean {
    return !this.types.has(actor) || this.claims.mayWrite(actor, key);
  }

  /** StateFence: a state write of `actor/key` lost its compare-and-set; the activation here is stale. */
  stale(actor: string, key: string): void {
    void this.types.get(actor)?.passivate(key, 'another activation wrote its state');
  }

  /** The claim revision this node holds for `actor/key` (it identifies the activation). */
  leaseRevision(actor: string, key: string): number | undefined {
    return this.claims.revisionOf(actor, key);
  }

  /**
   * One heartbeat: suspends every activation when the node lease lapsed (`KeyClaims.expire`),
   * passivates keys that now belong to another node (a move; not while `leaving`: `handOver`
   * passivates them all), renews the node lease, then re-checks the suspended claims: keys still
   * this node's resume (same instance, no hook), keys another node took meanwhile stop. Calls still
   * queued for moved or lost keys are refused with `SHUTTING_DOWN`, so their callers send them to
   * where the key lives now.
   */
  async tick(now: number, leaving = false): Promise<void> {
    if (this.waitingCount > 0) this.wake(now);
    this.claims.expire(now);
    for (const type of this.types.values()) {
      for (const key of [...type.activeKeys()]) {
        if (this.claims.suspendedCount > 0 && this.claims.isSuspended(type.name, key)) {
          type.suspend(key);
          continue;
        }
        const claimed = this.claims.revisionOf(type.name, key) !== undefined;
        if (claimed && (leaving || this.placeOf(type.name, key) === this.selfId)) {
          type.resume(key); // one its run suspended (its lease looked stale for a moment) runs again
          continue;
        }
        if (leaving) continue;
        // Unclaimed and active: its claim was given up (the node lease was taken over) — it must go
        // before a taker waits out the lease. One still claiming is left alone (passivate skips it).
        if (claimed) this.moved++;
        const why = claimed ? 'its key moved to another node' : 'this node no longer holds its key';
        void type.passivate(key, why, moving());
      }
    }
    await this.claims.renew();
    // Not awaited: thousands of compare-and-sets must not hold up the next heartbeat (singleton leases).
    if (this.claims.suspendedCount > 0 && !this.rechecking)
      this.rechecking = this.recheck().finally(() => (this.rechecking = undefined));
  }

  /** Resumes the suspended keys whose claims are still this node's; stops those another node took. */
  private async recheck(): Promise<void> {
    const { resumed, lost } = await this.claims.recheck();
    this.resumed += resumed.length;
    for (const name of resumed) this.typeAndKey(name, (type, key) => type.resume(key));
    this.moved += lost.length;
    const why = "another node took its key while this node's lease lapsed";
    for (const name of lost) this.typeAndKey(name, (type, key) => void type.passivate(key, why, moving()));
  }

  /** Calls `use` with the type and key of `actor/key`, when this node hosts that type. */
  private typeAndKey(name: string, use: (type: KeyedActorType, key: string) => void): void {
    const keyed = splitKeyedName(name);
    const type = keyed && this.types.get(keyed.actor);
    if (type) use(type, keyed.key);
  }

  /** Counters for `app.cluster.stats()`. */
  stats(): KeyedPlacementStats {
    const actors: Record<string, { active: number; activations: number; passivations: number }> = {};
    for (const type of this.types.values()) actors[type.name] = { ...type.stats() };
    return {
      actors,
      moves: this.moved,
      leasesHeld: this.claims.held,
      callsResent: this.resent.count,
      tellsResent: this.tellsResent,
      leaseLapses: this.claims.lapses,
      keysResumed: this.resumed,
    };
  }

  /**
   * A clean leave: stops taking keyed calls here, lets the calls already delivered finish, then
   * passivates every activation (state saved, leases deleted) so other nodes take the keys over at
   * once, and deletes the node lease. Callers whose calls were refused meanwhile re-send them to
   * the keys' new nodes.
   */
  async handOver(reason: unknown): Promise<void> {
    this.stop();
    await Promise.all(
      [...this.types.values()].map(async (type) => {
        await type.whenIdle();
        await type.passivateAll(reason);
      }),
    );
    await this.claims.leave();
  }

  /** Stops serving keys (activations passivate when the app closes); calls waiting for a node end. */
  stop(): void {
    for (const undo of this.undo.splice(0)) undo();
    const waiting = [...this.waiting];
    this.waiting.clear();
    this.waitingCount = 0;
    for (const [actor, calls] of waiting) {
      const why = `this cluster node closed while the call waited for a node hosting keyed actor '${actor}'`;
      for (const call of calls)
        call.delivery.sink?.error(new ActorError(ErrorCode.CONNECTION_CLOSED, `Not sent: ${why}`));
    }
  }

  /**
   * Holds a call to `actor/key` until a live node declares `actor` (`wake`, at each heartbeat of
   * another node and each tick of this one), bounded by the call's deadline — or, for a call
   * without one, `NO_DEADLINE_WAIT_MS`. A fire-and-forget does not wait (it has no deadline and nobody
   * to tell): it fails at once.
   */
  private waitForNode(actor: string, key: string, delivery: Delivery): void {
    if (!delivery.sink)
      throw new ActorError(ErrorCode.ACTOR_NOT_FOUND, `Actor not found: no live node hosts keyed actor '${actor}' now`);
    if (this.waitingCount >= MAX_CALLS_WAITING_FOR_NODE) {
      throw new ActorError(
        ErrorCode.TARGET_BUSY,
        `No live node hosts keyed actor '${actor}' now, and ${this.waitingCount} calls already wait for one ` +
          `(the limit is ${MAX_CALLS_WAITING_FOR_NODE}); retry later`,
      );
    }
    let calls = this.waiting.get(actor);
    if (!calls) this.waiting.set(actor, (calls = []));
    calls.push({ key, delivery, until: delivery.deadline ?? Date.now() + NO_DEADLINE_WAIT_MS });
    this.waitingCount++;
  }

  /** Routes the waiting calls whose actor a live node declares now; ends those past their wait. */
  private wake(now: number): void {
    for (const [actor, calls] of [...this.waiting]) {
      const hosted = this.types.has(actor) || this.directory.nodesServing(actor).length > 0;
      const still: WaitingCall[] = [];
      const ended: WaitingCall[] = [];
      for (const call of calls) {
        if (call.delivery.signal?.aborted || (!hosted && call.until <= now)) ended.push(call);
        else if (!hosted) still.push(call);
      }
      if (still.length > 0) this.waiting.set(actor, still);
      else this.waiting.delete(actor);
      this.waitingCount -= calls.length - still.length;
      for (const call of ended) call.delivery.sink?.error(waitEnded(actor, call.delivery.deadline !== undefined));
      if (!hosted) continue;
      for (const call of calls) {
        if (call.delivery.signal?.aborted) continue;
        try {
          this.route(actor, call.key, call.delivery);
        } catch (err) {
          call.delivery.sink?.error(err);
        }
      }
    }
  }
}

/**
 * Why a call stopped waiting for a node hosting `actor`: its deadline passed (`TIMEOUT`, as its
 * caller's own timer says, which may fire a little later), or it has none and waited
 * `NO_DEADLINE_WAIT_MS` (`ACTOR_NOT_FOUND`).
 */
function waitEnded(actor: string, hadDeadline: boolean): ActorError {
  if (hadDeadline)
    return new ActorError(ErrorCode.TIMEOUT, `Request timed out waiting for a node hosting keyed actor '${actor}'`);
  const why = `no node hosting keyed actor '${actor}' came up within ${NO_DEADLINE_WAIT_MS} ms`;
  return new ActorError(ErrorCode.ACTOR_NOT_FOUND, `Actor not found: ${why}`);
}

/** Why a queued call of a key that leaves this node is refused (its caller sends it again). */
function moving(): ActorError {
  return new ActorError(ErrorCode.SHUTTING_DOWN, 'The key is moving to another node; the call is sent there');
}

/** FNV-1a (32 bits) of `node \0 actor / key`: the rendezvous score of a node for a key. */
export function rendezvousScore(node: string, actor: string, key: string): number {
  let hash = 0x811c9dc5;
  const text = `${node}\u0000${actor}/${key}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // Mix the tail so that near-equal strings spread over the whole range.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}
