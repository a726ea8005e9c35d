import { setTimeout as sleep } from 'node:timers/promises';
import { ActorError } from '../core/errors/actor-error';
import { ErrorCode } from '../core/errors/error-code';
import { Delivery } from '../core/runtime/delivery';
import { KeyedActorType, KeyGate } from '../core/runtime/keyed/keyed-actor-type';
import { Logger } from '../core/runtime/logger';
import { ClusterSubjects } from './cluster-wire';
import { KeyedCallRetry } from './keyed-call-retry';
import { NodeDirectory } from './node-directory';
import { RemoteCalls } from './remote-calls';
import { ServedCalls } from './served-calls';
import { SingletonLeases } from './singleton-leases';

/** Counters of keyed placement on this node (see `ClusterStatsSnapshot.keyed`). */
export interface KeyedPlacementStats {
  /** Per keyed actor type: keys active here, activations and passivations since start. */
  readonly actors: Readonly<Record<string, { active: number; activations: number; passivations: number }>>;
  /** Activations passivated here because their key now belongs to another node (a move). */
  readonly moves: number;
  /** Key leases this node holds now. */
  readonly leasesHeld: number;
}

/**
 * Keyed actors on the cluster (virtual actors, docs/protocol.md §4):
 *
 * - Placement: each key goes to the live node, among those declaring the actor, with the highest
 *   rendezvous score `fnv1a(node + "\0" + actor + "/" + key)`; a node joining or leaving moves only
 *   the keys it wins or held.
 * - Exactly one activation per key: before a key activates, its node claims the key's lease in
 *   the JetStream KV bucket (create / compare-and-set on the revision, as `SingletonLeases`
 *   does), renews it every heartbeat while active, and deletes it on passivation. A lease held by
 *   another node is taken only once that node stopped renewing it for `nodeTimeoutMs` (seen by the
 *   claimer's own clock), and a node that could not renew for `nodeTimeoutMs / 2` passivates its
 *   keys first — so two activations of one key never overlap.
 * - Calls during moves wait: a call to a key whose lease is still held elsewhere waits in the new
 *   activation's mailbox (suspended while it claims) until the lease is won; only the call's own
 *   deadline ends the wait with an error.
 */
export class KeyedPlacement implements KeyGate {
  private readonly types = new Map<string, KeyedActorType>();
  private readonly undo: (() => void)[] = [];
  private moved = 0;

  constructor(
    private readonly selfId: string,
    private readonly subjects: ClusterSubjects,
    private readonly directory: NodeDirectory,
    private readonly calls: RemoteCalls,
    private readonly served: ServedCalls,
    private readonly leases: SingletonLeases,
    private readonly retryMs: number,
    private readonly claimTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /** Hosts keys of `type` on this node: serves its subject and gates its activations by lease. */
  adopt(type: KeyedActorType): () => void {
    this.types.set(type.name, type);
    type.useGate(this);
    const unserve = this.served.serveKeys(this.subjects.keyedPrefix(type.name, this.selfId), (key) => type.forKey(key));
    this.undo.push(unserve);
    return unserve;
  }

  /** Whether `actor` is a keyed actor declared here or by another node. */
  isKeyed(actor: string): boolean {
    return this.types.has(actor) || this.directory.describe(actor)?.placement === 'keyed';
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
   * Delivers to `actor/key` on the node that hosts it.
   * @throws ActorError `ACTOR_NOT_FOUND` when no live node declares `actor`
   */
  route(actor: string, key: string, delivery: Delivery): void {
    const node = this.placeOf(actor, key);
    if (node === undefined)
      throw new ActorError(ErrorCode.ACTOR_NOT_FOUND, `Actor not found: no live node hosts keyed actor '${actor}'`);
    // A call refused by a node the key is leaving is routed again (see KeyedCallRetry).
    const routed =
      delivery.sink && !(delivery.sink instanceof KeyedCallRetry)
        ? new KeyedCallRetry(delivery, (again) => this.route(actor, key, again), this.retryMs).routed
        : delivery;
    if (node === this.selfId) return this.types.get(actor)!.deliverTo(key, routed);
    this.calls.send(`${actor}/${key}`, routed, node, this.subjects.keyed(actor, node, key));
  }

  /** KeyGate: claims the key's lease, retrying until it is won or `claimTimeoutMs` passed. */
  async claim(actor: string, key: string): Promise<boolean> {
    const name = leaseName(actor, key);
    const giveUpAt = Date.now() + this.claimTimeoutMs;
    for (;;) {
      const { gained } = await this.leases.tick([name]);
      if (gained.length > 0 || this.leases.owns(name)) return true;
      if (Date.now() >= giveUpAt) return false;
      await sleep(this.retryMs);
    }
  }

  /** KeyGate: the key's lease is held and fresh. */
  holds(actor: string, key: string): boolean {
    return this.leases.holdsFresh(leaseName(actor, key), Date.now());
  }

  /** KeyGate: deletes the key's lease (the activation is gone). */
  release(actor: string, key: string): void {
    void this.leases.release(leaseName(actor, key));
  }

  /** The lease revision this node holds for `actor/key` (it identifies the activation). */
  leaseRevision(actor: string, key: string): number | undefined {
    return this.leases.revisionOf(leaseName(actor, key));
  }

  /**
   * One heartbeat: passivates keys whose lease could not be renewed in time or that now belong
   * to another node (a move), then renews the leases held.
   */
  async tick(now: number): Promise<void> {
    for (const name of this.leases.expire(now)) this.passivateLease(name, 'its lease could not be renewed in time');
    for (const type of this.types.values()) {
      for (const key of [...type.activeKeys()]) {
        if (this.placeOf(type.name, key) === this.selfId) continue;
        this.moved++;
        void type.passivate(key, 'its key moved to another node');
      }
    }
    const { lost } = await this.leases.tick(this.leases.owned());
    for (const name of lost) this.passivateLease(name, 'its lease went to another node');
  }

  /** Counters for `app.cluster.stats()`. */
  stats(): KeyedPlacementStats {
    const actors: Record<string, { active: number; activations: number; passivations: number }> = {};
    for (const type of this.types.values()) actors[type.name] = { ...type.stats() };
    return { actors, moves: this.moved, leasesHeld: this.leases.owned().length };
  }

  /**
   * A clean leave: stops taking keyed calls here, lets the calls already delivered finish, then
   * passivates every activation (state saved, leases deleted) so other nodes take the keys over at
   * once. Callers whose calls were refused meanwhile re-send them to the keys' new nodes.
   */
  async handOver(reason: unknown): Promise<void> {
    this.stop();
    await Promise.all(
      [...this.types.values()].map(async (type) => {
        await type.whenIdle();
        await type.passivateAll(reason);
      }),
    );
  }

  /** Stops serving keys (activations passivate when the app closes). */
  stop(): void {
    for (const undo of this.undo.splice(0)) undo();
  }

  private passivateLease(name: string, why: string): void {
    const slash = name.indexOf('/');
    const type = this.types.get(name.slice(0, slash));
    if (!type) return;
    this.logger.warn(`Keyed actor '${name}' passivates on node '${this.selfId}': ${why}`);
    void type.passivate(name.slice(slash + 1), why);
  }
}

function leaseName(actor: string, key: string): string {
  return `${actor}/${key}`;
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
