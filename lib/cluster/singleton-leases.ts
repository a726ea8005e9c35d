import { Logger } from '../core/runtime/logger';
import { decodeJson, encodeJson, subjectToken } from './cluster-wire';
import { isConflict, KvBucketLike } from './nats-port';

interface LeaseState {
  /** Revision of our own lease entry while we hold it. */
  revision?: number;
  /** When the last renewal that succeeded was sent (ms, this node's clock). */
  renewedAt: number;
  /** Another node's entry as last seen, and since when (this node's clock) it has not changed. */
  seenRevision?: number;
  seenSince: number;
}

/** What one `tick` changed. */
export interface LeaseChanges {
  readonly gained: string[];
  readonly lost: string[];
}

/**
 * Singleton ownership by leases in a JetStream key-value bucket, decided by compare-and-set on
 * the entry's revision, so two nodes can never both win the same lease.
 *
 * - The owner renews its entry every tick (an update conditioned on its own last revision).
 * - A standby takes over only when the entry is deleted (the owner left cleanly) or when it has
 *   seen the same revision for `nodeTimeoutMs` by its own clock (the owner stopped renewing).
 * - An owner that could not renew for `nodeTimeoutMs / 2`, counted from when its last
 *   successful renewal was SENT, gives the actor up: that is before any standby can have seen
 *   the revision unchanged for `nodeTimeoutMs`, so ownership never overlaps (clocks are never
 *   compared across machines; only elapsed time on each).
 */
export class SingletonLeases {
  private readonly states = new Map<string, LeaseState>();
  private readonly value: Uint8Array;

  constructor(
    private readonly bucket: KvBucketLike,
    private readonly selfId: string,
    private readonly nodeTimeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.value = encodeJson({ node: selfId });
  }

  /** Whether this node holds the lease of `name` now. */
  owns(name: string): boolean {
    return this.states.get(name)?.revision !== undefined;
  }

  /** The names whose leases this node holds. */
  owned(): string[] {
    return [...this.states.entries()].filter(([, state]) => state.revision !== undefined).map(([name]) => name);
  }

  /**
   * Gives up, without waiting for NATS, every lease not renewed for `nodeTimeoutMs / 2`.
   * Call it on a timer that does not depend on NATS answering. Returns the names given up.
   */
  expire(now: number): string[] {
    const lost: string[] = [];
    for (const [name, state] of this.states) {
      if (state.revision !== undefined && now - state.renewedAt > this.nodeTimeoutMs / 2) {
        state.revision = undefined;
        state.seenSince = now;
        lost.push(name);
      }
    }
    return lost;
  }

  /** Renews held leases and tries to take free or abandoned ones, for each of `names`. */
  async tick(names: readonly string[]): Promise<LeaseChanges> {
    const gained: string[] = [];
    const lost: string[] = [];
    await Promise.all(
      names.map(async (name) => {
        const state = this.stateOf(name);
        const held = state.revision !== undefined;
        const result = held ? await this.renew(name, state) : await this.tryTake(name, state);
        if (!held && result) gained.push(name);
        if (held && !result && state.revision === undefined) lost.push(name);
      }),
    );
    return { gained, lost };
  }

  /**
   * Whether this node holds `name` and renewed it less than `nodeTimeoutMs / 2` ago: checked
   * before each keyed message runs, so a node whose event loop stalled past that point does not
   * act on a lease another node may be taking over.
   */
  holdsFresh(name: string, now: number): boolean {
    const state = this.states.get(name);
    return state?.revision !== undefined && now - state.renewedAt <= this.nodeTimeoutMs / 2;
  }

  /** The revision of the lease this node holds on `name`, if it holds it. */
  revisionOf(name: string): number | undefined {
    return this.states.get(name)?.revision;
  }

  /**
   * Gives up `name` and forgets it: deletes the entry when this node holds it (compare-and-set
   * on its revision), so another node can take it at once.
   */
  async release(name: string): Promise<void> {
    const state = this.states.get(name);
    this.states.delete(name);
    const revision = state?.revision;
    if (revision === undefined) return;
    await this.bucket
      .delete(keyOf(name), { previousSeq: revision })
      .catch((err: unknown) => this.logger.debug(`lease ${name}: release failed: ${String(err)}`));
  }

  /** Deletes the entries of the leases held (a clean leave), so a standby takes over at once. */
  async releaseAll(): Promise<void> {
    await Promise.all(
      this.owned().map(async (name) => {
        const state = this.states.get(name)!;
        const revision = state.revision!;
        state.revision = undefined;
        await this.bucket
          .delete(keyOf(name), { previousSeq: revision })
          .catch((err: unknown) => this.logger.debug(`lease ${name}: release failed: ${String(err)}`));
      }),
    );
  }

  private async renew(name: string, state: LeaseState): Promise<boolean> {
    const sentAt = Date.now();
    const from = state.revision!;
    try {
      const revision = await this.bucket.update(keyOf(name), this.value, from);
      if (state.revision !== from) return false; // given up (expire) while the renewal was on its way
      state.revision = revision;
      state.renewedAt = sentAt;
      return true;
    } catch (err) {
      if (isConflict(err)) {
        // Someone else wrote the entry: the lease is theirs (we were cut off for too long).
        state.revision = undefined;
        state.seenSince = Date.now();
        this.logger.warn(`Singleton '${name}': lease lost to another node; no longer serving it here`);
      }
      return false;
    }
  }

  private async tryTake(name: string, state: LeaseState): Promise<boolean> {
    try {
      const entry = await this.bucket.get(keyOf(name));
      const now = Date.now();
      if (!entry || entry.operation !== 'PUT')
        return this.won(name, state, await this.bucket.create(keyOf(name), this.value), now);
      const holder = (decodeJson(entry.value) as { node?: string }).node;
      if (holder === this.selfId)
        return this.won(name, state, await this.bucket.update(keyOf(name), this.value, entry.revision), now);
      if (entry.revision !== state.seenRevision) {
        state.seenRevision = entry.revision;
        state.seenSince = now;
        return false;
      }
      if (now - state.seenSince <= this.nodeTimeoutMs) return false;
      this.logger.info(`Singleton '${name}': owner '${holder}' stopped renewing its lease; taking over`);
      return this.won(name, state, await this.bucket.update(keyOf(name), this.value, entry.revision), now);
    } catch (err) {
      if (!isConflict(err))
        this.logger.debug(
          `Singleton '${name}': lease check failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      return false;
    }
  }

  private won(name: string, state: LeaseState, revision: number, sentAt: number): boolean {
    state.revision = revision;
    state.renewedAt = sentAt;
    state.seenRevision = revision;
    this.logger.debug(`Singleton '${name}': lease won (revision ${revision})`);
    return true;
  }

  private stateOf(name: string): LeaseState {
    let state = this.states.get(name);
    if (!state) {
      state = { renewedAt: 0, seenSince: Date.now() };
      this.states.set(name, state);
    }
    return state;
  }
}

function keyOf(name: string): string {
  return `lease.${subjectToken(name)}`;
}
