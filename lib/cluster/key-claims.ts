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
  /** This node's clock: when the last read of the entry that got an answer was sent (-Infinity: none). */
  readFrom: number;
}

/** The claim this node holds on one key. */
interface HeldClaim {
  readonly entryKey: string;
  readonly revision: number;
}

/** What re-asserting a suspended claim found: its new revision (still this node's), `lost`, or unknown (NATS). */
type Reasserted = number | 'lost' | undefined;

/** The keys whose suspended claims were checked after the node lease was renewed (`KeyClaims.recheck`). */
export interface RecheckedClaims {
  /** Still this node's (re-asserted by compare-and-set): their activations run again. */
  readonly resumed: string[];
  /** Taken over by another node meanwhile: their activations stop. */
  readonly lost: string[];
}

/** Times a suspended claim's compare-and-set is tried when it finds its own earlier write (see `reassert`). */
const REASSERT_ATTEMPTS = 3;

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
 * that (NATS cut off, event loop stalled) it suspends every claim (`expire`: its activations run
 * nothing). A taker saw the revision of that renewal only after it was sent, and waits
 * `nodeTimeoutMs` more, so nothing runs here any more when it takes a key. Once the node lease is
 * renewed, each suspended claim is re-asserted by compare-and-set from the revision this node holds
 * (`recheck`): one nobody took is this node's again, and a taker reading it afterwards sees the
 * renewed lease; one taken over fails the compare-and-set and its activation stops. Clocks are
 * never compared across machines, only elapsed times.
 */
export class KeyClaims {
  private readonly claims = new Map<string, HeldClaim>();
  /** Claims held when the node lease lapsed: nothing of theirs runs until `recheck` re-asserts them. */
  private readonly suspended = new Map<string, HeldClaim>();
  private readonly observed = new Map<string, ObservedLease>();
  private readonly incarnation = randomBytes(6).toString('hex');
  private readonly value: Uint8Array;
  private leaseRevision?: number;
  private renewedAt = 0;
  private joining?: Promise<void>;
  private lapseCount = 0;
  /** Times `expire` found the lease not fresh: a `recheck` that spans one does not resume its keys. */
  private staleSeen = 0;

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

  /** Key claims held now (suspended ones included). */
  get held(): number {
    return this.claims.size + this.suspended.size;
  }

  /** Times the node lease lapsed with claims held (each time they were suspended). */
  get lapses(): number {
    return this.lapseCount;
  }

  /** Claims suspended since the node lease lapsed, waiting for `recheck`. */
  get suspendedCount(): number {
    return this.suspended.size;
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
   * timer that does not wait for NATS): every held claim is suspended until `recheck` re-asserts
   * it. Returns how many were suspended (0 while the lease is fresh or no claim is held).
   */
  expire(now: number): number {
    if (this.leaseRevision === undefined || this.fresh(now)) return 0;
    this.staleSeen++;
    if (this.claims.size === 0) return 0;
    const count = this.claims.size;
    this.logger.warn(
      `Cluster node '${this.selfId}': node lease not renewed for ${now - this.renewedAt} ms; ` +
        `suspending its ${count} keys until it is renewed`,
    );
    for (const [name, claim] of this.claims) this.suspended.set(name, claim);
    this.claims.clear();
    this.lapseCount++;
    return count;
  }

  /**
   * Once the node lease is fresh again: re-asserts each suspended claim by compare-and-set from the
   * revision this node holds (sent after the renewal was applied, so a node that reads the claim
   * afterwards sees the renewed lease and waits again). A claim whose compare-and-set fails to
   * another node's write is `lost` (not even its state may be written from here any more); one
   * re-asserted is `resumed` if the lease has stayed fresh since the re-check began (a lapse in
   * between would not have suspended it again), else stays suspended (with its new revision) for
   * the next recheck; one NATS did not answer for stays suspended.
   */
  async recheck(): Promise<RecheckedClaims> {
    const resumed: string[] = [];
    const lost: string[] = [];
    if (this.suspended.size === 0 || !this.fresh()) return { resumed, lost };
    const staleSeen = this.staleSeen;
    await Promise.all(
      [...this.suspended].map(async ([name, claim]) => {
        const outcome = await this.reassert(name, claim);
        if (this.suspended.get(name) !== claim) return; // released or re-won meanwhile
        if (outcome === 'lost') {
          this.suspended.delete(name);
          lost.push(name);
        } else if (outcome !== undefined) {
          const renewed = { entryKey: claim.entryKey, revision: outcome };
          if (!this.fresh() || this.staleSeen !== staleSeen) return void this.suspended.set(name, renewed);
          this.suspended.delete(name);
          this.claims.set(name, renewed);
          resumed.push(name);
        }
      }),
    );
    return { resumed, lost };
  }

  /** Whether this node's claim of `actor/key` is suspended (the node lease lapsed; see `recheck`). */
  isSuspended(actor: string, key: string): boolean {
    return this.suspended.has(claimName(actor, key));
  }

  /** Renews the node lease (one compare-and-set); a lease lost to another process is won again. */
  async renew(): Promise<void> {
    if (this.joining) return;
    const from = this.leaseRevision;
    if (from === undefined) return;
    const sentAt = Date.now();
    // A renewal sent once the lease is no longer fresh must not extend claims across the gap.
    this.expire(sentAt);
    try {
      const revision = await this.bucket.update(nodeKey(this.selfId), this.value, from);
      if (this.leaseRevision !== from) return;
      this.leaseRevision = revision;
      this.renewedAt = sentAt;
    } catch (err) {
      if (!isConflict(err)) return this.logger.debug(`node lease '${this.selfId}': renewal failed: ${describe(err)}`);
      // Someone took our lease (we were silent for nodeTimeoutMs): our claims are void.
      this.logger.warn(`Cluster node '${this.selfId}': node lease taken over; joining again`);
      this.leaseRevision = undefined;
      this.claims.clear();
      this.suspended.clear(); // they name the old incarnation: any node may take them over now
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
          const readAt = Date.now();
          if (!isPut(entry)) return this.won(name, entryKey, await this.bucket.create(entryKey, this.value));
          const owner = decodeJson(entry.value) as ClaimValue;
          // Ours (e.g. suspended, or a release that did not land): re-asserted by compare-and-set, not
          // trusted as read — a node that read it before may be about to take it over.
          if (owner.node === this.selfId && owner.incarnation === this.incarnation)
            return this.won(name, entryKey, await this.bucket.update(entryKey, this.value, entry.revision));
          if (await this.ownerDead(owner, readAt, Math.min(giveUpAt, readAt + this.nodeTimeoutMs / 2))) {
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
   * Whether this node may still write the state of `actor/key`: it holds the claim, or holds it
   * suspended (a handler that was running when the lease lapsed may still save; compare-and-set on
   * the state revision refuses the write if another activation wrote the key meanwhile). A claim
   * found taken over (`recheck`) is neither: its activation stops without saving.
   */
  mayWrite(actor: string, key: string): boolean {
    const name = claimName(actor, key);
    return this.claims.has(name) || this.suspended.has(name);
  }

  /** The KV revision of this node's claim on `actor/key` (it identifies the activation). */
  revisionOf(actor: string, key: string): number | undefined {
    return this.claims.get(claimName(actor, key))?.revision;
  }

  /** Deletes the claim of `actor/key` (compare-and-set), so another node can take the key at once. */
  async release(actor: string, key: string): Promise<void> {
    const name = claimName(actor, key);
    const claim = this.claims.get(name) ?? this.suspended.get(name);
    if (!claim) return;
    this.claims.delete(name);
    this.suspended.delete(name);
    await this.deleteClaim(name, claim);
  }

  /** A clean leave, once every activation here passivated: deletes the node lease. */
  async leave(): Promise<void> {
    const revision = this.leaseRevision;
    this.leaseRevision = undefined;
    this.claims.clear();
    this.suspended.clear();
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
    this.suspended.delete(name);
    this.claims.set(name, { entryKey, revision });
    return true;
  }

  /**
   * Compare-and-set of a suspended claim from the revision held, to the same value. A conflict
   * with an entry that still names this incarnation is an earlier write of this node applied
   * late (only this node writes its incarnation): tried again from that revision.
   */
  private async reassert(name: string, claim: HeldClaim): Promise<Reasserted> {
    let from = claim.revision;
    for (let attempt = 1; attempt <= REASSERT_ATTEMPTS; attempt++) {
      try {
        return await this.bucket.update(claim.entryKey, this.value, from);
      } catch (err) {
        if (!isConflict(err)) {
          this.logger.debug(`key ${name}: re-asserting the claim failed: ${describe(err)}`);
          return undefined;
        }
      }
      try {
        const entry = await this.bucket.get(claim.entryKey);
        if (!isPut(entry)) return 'lost';
        const owner = decodeJson(entry.value) as ClaimValue;
        if (owner.node !== this.selfId || owner.incarnation !== this.incarnation) return 'lost';
        from = entry.revision;
      } catch (err) {
        this.logger.debug(`key ${name}: reading the claim failed: ${describe(err)}`);
        return undefined;
      }
    }
    return undefined;
  }

  private async deleteClaim(name: string, claim: HeldClaim): Promise<void> {
    await this.bucket
      .delete(claim.entryKey, { previousSeq: claim.revision })
      .catch((err: unknown) => this.logger.debug(`key ${name}: release failed: ${describe(err)}`));
  }

  /**
   * Whether `owner`'s incarnation is dead: its node lease is gone, names another incarnation, or
   * was seen unchanged for `nodeTimeoutMs`. Judged only from reads of that lease sent after the
   * claim was read (`claimReadAt`): the owner may have renewed its lease and re-asserted the claim
   * just before, and an older reading would miss it (see `recheck`). Waits for polls of that lease
   * (shared by every claim waiting on the same node) until it is dead or `until`.
   */
  private async ownerDead(owner: ClaimValue, claimReadAt: number, until: number): Promise<boolean> {
    for (;;) {
      const lease = await this.poll(owner.node, claimReadAt);
      const now = Date.now();
      if (lease && (lease.incarnation !== owner.incarnation || this.expired(lease, now))) return true;
      if (now >= until) return false;
      await sleep(Math.min(this.pollMs, Math.max(1, until - now)));
    }
  }

  /**
   * The observed lease of `node`, from a read sent at or after `notBefore` and less than `pollMs`
   * ago (a poll in progress is shared; one sent too early is followed by another); `undefined`
   * when no such read got an answer.
   */
  private async poll(node: string, notBefore: number): Promise<ObservedLease | undefined> {
    const lease = this.observedLease(node, Date.now());
    for (let round = 0; round < 2; round++) {
      if (lease.readFrom >= notBefore && Date.now() - lease.readFrom < this.pollMs) return lease;
      lease.polling ??= this.readLease(node, lease);
      await lease.polling;
    }
    return lease.readFrom >= notBefore ? lease : undefined;
  }

  /** One read of `node`'s lease into `lease` (a failed read leaves it as it was). */
  private readLease(node: string, lease: ObservedLease): Promise<void> {
    const sentAt = Date.now();
    return this.bucket
      .get(nodeKey(node))
      .then((entry) => {
        if (isPut(entry)) this.observe(node, entry, Date.now());
        else Object.assign(lease, { incarnation: undefined, revision: undefined });
        lease.readFrom = Math.max(lease.readFrom, sentAt);
      })
      .catch(() => undefined)
      .finally(() => (lease.polling = undefined));
  }

  private observedLease(node: string, now: number): ObservedLease {
    let lease = this.observed.get(node);
    if (!lease) {
      lease = { seenSince: now, readFrom: Number.NEGATIVE_INFINITY };
      this.observed.set(node, lease);
    }
    return lease;
  }

  /** Records `entry` of `node`'s lease as seen at `now`; returns the observation. */
  private observe(node: string, entry: KvEntryLike, now: number): ObservedLease {
    const lease = this.observedLease(node, now);
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
