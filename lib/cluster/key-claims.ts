import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '../core/runtime/logger';
import { decodeJson, encodeJson, keyToken, subjectToken } from './cluster-wire';
import { isConflict, KvBucketLike, KvEntryLike } from './nats-port';

/** A node lease's value: which node, and which run of it (a restarted node is a new incarnation). */
interface NodeLeaseValue {
  readonly node: string;
  readonly incarnation: string;
}

/** A key claim's value: the node lease (node + incarnation) it is valid under. */
type ClaimValue = NodeLeaseValue;

/** What this node knows of another node's lease, polled while some claim waits on it. */
interface ObservedLease {
  incarnation?: string;
  revision?: number;
  /** This node's clock: since when the entry has been seen unchanged. */
  seenSince: number;
  /** The poll in progress (shared by every claim waiting on this node). */
  polling?: Promise<void>;
  polledAt: number;
}

/** The claim this node holds on one key. */
interface HeldClaim {
  readonly entryKey: string;
  readonly revision: number;
}

/**
 * Exactly one activation per key in the cluster, at a renewal cost of one KV write per node per
 * heartbeat (not one per key). Two kinds of entries in the cluster's JetStream KV lease bucket:
 *
 * - **Node lease** `node.<node>` = `{ node, incarnation }`, created when the node starts (a stale
 *   one of an earlier run of the same node id is taken over only once it was seen unchanged for
 *   `nodeTimeoutMs`), renewed every heartbeat by compare-and-set on its revision, deleted on a
 *   clean leave after every activation here passivated.
 * - **Key claim** `key.<actor>.<key>` = `{ node, incarnation }`, created with create-if-absent
 *   before a key activates, deleted (compare-and-set) when it passivates. A claim is valid while
 *   its node lease is live under the same incarnation. Another node takes a claim over — by
 *   compare-and-set from the revision it read — only when that lease is gone, belongs to another
 *   incarnation, or was seen unchanged for `nodeTimeoutMs` by the taker's own clock.
 *
 * The node side of the argument: a node counts its lease as fresh for `nodeTimeoutMs / 2` from when
 * its last successful renewal was SENT, and runs messages of its keys only while it is fresh; past
 * that (NATS cut off, event loop stalled) it stops every activation (`expire`). A taker saw the
 * revision of that renewal only after it was sent, and waits `nodeTimeoutMs` more, so the old
 * activations are stopped first. Clocks are never compared across machines, only elapsed times.
 */
export class KeyClaims {
  private readonly claims = new Map<string, HeldClaim>();
  /** Claims given up while the node lease lapsed, deleted once it is renewed again (unless re-won). */
  private readonly orphans = new Map<string, HeldClaim>();
  private readonly observed = new Map<string, ObservedLease>();
  private readonly incarnation = randomBytes(6).toString('hex');
  private readonly value: Uint8Array;
  private leaseRevision?: number;
  private renewedAt = 0;
  private joining?: Promise<void>;

  constructor(
    private readonly bucket: KvBucketLike,
    private readonly selfId: string,
    private readonly nodeTimeoutMs: number,
    /** How often a waiting claim polls the lease of the node that holds its key (ms). */
    private readonly pollMs: number,
    private readonly logger: Logger,
  ) {
    this.value = encodeJson({ node: selfId, incarnation: this.incarnation } satisfies NodeLeaseValue);
  }

  /** This run of the node: claims name it, so claims of an earlier run are known to be stale. */
  get incarnationId(): string {
    return this.incarnation;
  }

  /** Key claims held now. */
  get held(): number {
    return this.claims.size;
  }

  /** Whether the node lease is held and was renewed less than `nodeTimeoutMs / 2` ago. */
  fresh(now = Date.now()): boolean {
    return this.leaseRevision !== undefined && now - this.renewedAt <= this.nodeTimeoutMs / 2;
  }

  /**
   * Wins the node lease: creates it, or takes over one left by an earlier run of this node id once
   * it was seen unchanged for `nodeTimeoutMs`. Resolves when held; retries until `giveUpAt`.
   * @throws Error naming the node id when another live process holds it
   */
  async join(giveUpAt = Date.now() + 10 * this.nodeTimeoutMs): Promise<void> {
    const key = nodeKey(this.selfId);
    for (;;) {
      try {
        const entry = await this.bucket.get(key);
        const sentAt = Date.now();
        if (!isPut(entry)) return this.joined(await this.bucket.create(key, this.value), sentAt);
        const holder = this.observe(this.selfId, entry, sentAt);
        if (this.expired(holder, sentAt))
          return this.joined(await this.bucket.update(key, this.value, entry.revision), sentAt);
      } catch (err) {
        if (!isConflict(err)) this.logger.debug(`node lease '${this.selfId}': join failed: ${describe(err)}`);
      }
      if (Date.now() >= giveUpAt) {
        throw new Error(
          `Cluster node id '${this.selfId}' is in use: its node lease is renewed by another process; ` +
            `give each node its own ACTON_NODE_ID`,
        );
      }
      await sleep(this.pollMs);
    }
  }

  /**
   * Stops counting on the node lease once it was not renewed for `nodeTimeoutMs / 2` (call it on a
   * timer that does not wait for NATS). Returns the keys (`actor/key`) whose claims were given up
   * (the caller stops their activations), `undefined` while the lease is fresh or none lapsed.
   */
  expire(now: number): string[] | undefined {
    if (this.leaseRevision === undefined || this.fresh(now) || this.claims.size === 0) return undefined;
    this.logger.warn(
      `Cluster node '${this.selfId}': node lease not renewed for ${now - this.renewedAt} ms; stopping its keys`,
    );
    for (const [name, claim] of this.claims) this.orphans.set(name, claim);
    const names = [...this.claims.keys()];
    this.claims.clear();
    return names;
  }

  /** Renews the node lease (one compare-and-set); a lease lost to another process is won again. */
  async renew(): Promise<void> {
    if (this.joining) return;
    const from = this.leaseRevision;
    if (from === undefined) return;
    const sentAt = Date.now();
    try {
      const revision = await this.bucket.update(nodeKey(this.selfId), this.value, from);
      if (this.leaseRevision !== from) return;
      this.leaseRevision = revision;
      this.renewedAt = sentAt;
      this.deleteOrphans();
    } catch (err) {
      if (!isConflict(err)) return this.logger.debug(`node lease '${this.selfId}': renewal failed: ${describe(err)}`);
      // Someone took our lease (we were silent for nodeTimeoutMs): our claims are void.
      this.logger.warn(`Cluster node '${this.selfId}': node lease taken over; joining again`);
      this.leaseRevision = undefined;
      this.claims.clear();
      this.orphans.clear(); // they name the old incarnation: any node may take them over now
      this.joining = this.join().finally(() => (this.joining = undefined));
    }
  }

  /**
   * Claims `actor/key` for this node: creates the claim, or takes over one whose node lease is
   * dead, waiting (polling that lease every `pollMs`) until it is. Resolves false at `giveUpAt`.
   */
  async claim(actor: string, key: string, giveUpAt: number): Promise<boolean> {
    const name = claimName(actor, key);
    const entryKey = claimKey(actor, key);
    for (;;) {
      if (this.claims.has(name) && this.fresh()) return true;
      if (this.fresh()) {
        try {
          const entry = await this.bucket.get(entryKey);
          if (!isPut(entry)) return this.won(name, entryKey, await this.bucket.create(entryKey, this.value));
          const owner = decodeJson(entry.value) as ClaimValue;
          if (owner.node === this.selfId && owner.incarnation === this.incarnation)
            return this.won(name, entryKey, entry.revision);
          if (await this.ownerDead(owner, Math.min(giveUpAt, Date.now() + this.nodeTimeoutMs / 2))) {
            this.logger.debug(`key ${name}: node '${owner.node}' (${owner.incarnation}) is gone; taking the key over`);
            return this.won(name, entryKey, await this.bucket.update(entryKey, this.value, entry.revision));
          }
        } catch (err) {
          if (!isConflict(err)) {
            this.logger.debug(`key ${name}: claim failed: ${describe(err)}`);
            await sleep(this.pollMs); // NATS is slow or away: do not spin
          }
        }
      }
      if (Date.now() >= giveUpAt) return false;
      if (!this.fresh()) await sleep(this.pollMs);
    }
  }

  /** Whether this node holds the claim of `actor/key` and its node lease is fresh. */
  holds(actor: string, key: string, now?: number): boolean {
    return this.fresh(now) && this.claims.has(claimName(actor, key));
  }

  /**
   * Whether this node may still write the state of `actor/key`: it holds the claim, or gave it up
   * when its lease lapsed and is saving it while it stops (compare-and-set on the state revision
   * then refuses the write if another activation wrote the key meanwhile).
   */
  mayWrite(actor: string, key: string): boolean {
    const name = claimName(actor, key);
    return this.claims.has(name) || this.orphans.has(name);
  }

  /** The KV revision of this node's claim on `actor/key` (it identifies the activation). */
  revisionOf(actor: string, key: string): number | undefined {
    return this.claims.get(claimName(actor, key))?.revision;
  }

  /** Deletes the claim of `actor/key` (compare-and-set), so another node can take the key at once. */
  async release(actor: string, key: string): Promise<void> {
    const name = claimName(actor, key);
    const claim = this.claims.get(name);
    if (!claim) return;
    this.claims.delete(name);
    await this.deleteClaim(name, claim);
  }

  /** A clean leave, once every activation here passivated: deletes the node lease. */
  async leave(): Promise<void> {
    const revision = this.leaseRevision;
    this.leaseRevision = undefined;
    this.claims.clear();
    this.orphans.clear();
    if (revision === undefined) return;
    await this.bucket
      .delete(nodeKey(this.selfId), { previousSeq: revision })
      .catch((err: unknown) => this.logger.debug(`node lease '${this.selfId}': delete failed: ${describe(err)}`));
  }

  private joined(revision: number, sentAt: number): void {
    this.leaseRevision = revision;
    this.renewedAt = sentAt;
    this.logger.debug(`node lease '${this.selfId}' held (incarnation ${this.incarnation}, revision ${revision})`);
  }

  private won(name: string, entryKey: string, revision: number): boolean {
    this.orphans.delete(name);
    this.claims.set(name, { entryKey, revision });
    return true;
  }

  private deleteOrphans(): void {
    for (const [name, claim] of this.orphans) void this.deleteClaim(name, claim);
    this.orphans.clear();
  }

  private async deleteClaim(name: string, claim: HeldClaim): Promise<void> {
    await this.bucket
      .delete(claim.entryKey, { previousSeq: claim.revision })
      .catch((err: unknown) => this.logger.debug(`key ${name}: release failed: ${describe(err)}`));
  }

  /**
   * Whether `owner`'s incarnation is dead: its node lease is gone, names another incarnation, or
   * was seen unchanged for `nodeTimeoutMs`. Waits for polls of that lease (shared by every claim
   * waiting on the same node) until it is dead or `until`.
   */
  private async ownerDead(owner: ClaimValue, until: number): Promise<boolean> {
    for (;;) {
      const lease = await this.poll(owner.node);
      const now = Date.now();
      if (lease.incarnation !== owner.incarnation || this.expired(lease, now)) return true;
      if (now >= until) return false;
      await sleep(Math.min(this.pollMs, Math.max(1, until - now)));
    }
  }

  /** The observed lease of `node`, read again when older than `pollMs`. */
  private async poll(node: string): Promise<ObservedLease> {
    let lease = this.observed.get(node);
    if (!lease) {
      lease = { seenSince: Date.now(), polledAt: 0 };
      this.observed.set(node, lease);
    }
    if (lease.polling) await lease.polling;
    else if (Date.now() - lease.polledAt >= this.pollMs) {
      const observed = lease;
      observed.polling = this.bucket
        .get(nodeKey(node))
        .then((entry) => {
          if (isPut(entry)) this.observe(node, entry, Date.now());
          else Object.assign(observed, { incarnation: undefined, revision: undefined });
        })
        .catch(() => undefined)
        .finally(() => {
          observed.polling = undefined;
          observed.polledAt = Date.now();
        });
      await observed.polling;
    }
    return lease;
  }

  /** Records `entry` of `node`'s lease as seen at `now`; returns the observation. */
  private observe(node: string, entry: KvEntryLike, now: number): ObservedLease {
    let lease = this.observed.get(node);
    if (!lease) {
      lease = { seenSince: now, polledAt: now };
      this.observed.set(node, lease);
    }
    if (entry.revision !== lease.revision) {
      lease.revision = entry.revision;
      lease.incarnation = (decodeJson(entry.value) as NodeLeaseValue).incarnation;
      lease.seenSince = now;
    }
    return lease;
  }

  private expired(lease: ObservedLease, now: number): boolean {
    return lease.revision !== undefined && now - lease.seenSince > this.nodeTimeoutMs;
  }
}

function isPut(entry: KvEntryLike | null | undefined): entry is KvEntryLike {
  return entry !== null && entry !== undefined && entry.operation === 'PUT';
}

function claimName(actor: string, key: string): string {
  return `${actor}/${key}`;
}

function nodeKey(node: string): string {
  return `node.${subjectToken(node)}`;
}

function claimKey(actor: string, key: string): string {
  return `key.${subjectToken(actor)}.${keyToken(key)}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
