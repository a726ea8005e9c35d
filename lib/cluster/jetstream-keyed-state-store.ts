import { ActorError } from '../core/errors/actor-error';
import { ErrorCode } from '../core/errors/error-code';
import { KeyedStateStore } from '../core/runtime/keyed/keyed-state-store';
import { decodeJson, encodeJson, keyToken, subjectToken } from './cluster-wire';
import { openKvBucket } from './nats-loader';
import { isConflict, KvBucketLike, NatsConnectionLike } from './nats-port';

/** Times a state write that got no answer, and was found not applied, is sent (see `save`). */
const SAVE_ATTEMPTS = 3;

/**
 * Keyed actors' state in a JetStream key-value bucket (`acton_<cluster>_state`, one entry per
 * key, JSON), shared by every node, so a key re-activated on another node after its node is lost
 * finds what was last saved. Provide it as `{ provide: KeyedStateStore, useClass:
 * JetStreamKeyedStateStore }` with `ClusterModule.forRoot()`; the cluster node opens it on its
 * connection at start.
 *
 * Limits: an entry is at most the server's `max_payload` (1 MB by default) — a larger state is
 * refused with an error naming both sizes; the KV key is `<actor token>.<key token>`, within
 * JetStream's key rules for any actor name and any key (`maxKeyLength` keeps it short).
 *
 * Writes are fenced, so a stale activation (on a node that lost its key's claim) can never
 * overwrite the state of the key's new activation:
 * - a node writes a key's state only while it holds the key's claim, or holds it suspended after
 *   its node lease lapsed (a handler that was running then; checked just before the write is sent,
 *   see `KeyClaims.mayWrite`), never once it found the claim taken over, and
 * - every write is a compare-and-set from the revision this node last read (`load`, at
 *   activation) or wrote: a write that arrives after another node wrote the key fails, naming
 *   both revisions, and the activation that made it is passivated (its next one reloads).
 *
 * A write that gets no answer (a JetStream timeout on a loaded server) is checked by reading the
 * entry back: found applied, it succeeds; found not applied, it is sent again from the same
 * revision (up to `SAVE_ATTEMPTS` in all); otherwise `save` fails `IO_ERROR` "its outcome is
 * unknown" — never a silent loss: a later write then loses its compare-and-set if it was applied.
 */
export class JetStreamKeyedStateStore extends KeyedStateStore {
  private bucket?: KvBucketLike;
  private maxPayload = Number.POSITIVE_INFINITY;
  /** Per entry: the revision this node last read or wrote (0: absent), while its key is active here. */
  private readonly revisions = new Map<string, number>();
  private fence?: StateFence;

  /** @internal the cluster node opens the bucket when it starts, and fences writes by claim */
  async open(link: NatsConnectionLike, bucketName: string, fence?: StateFence): Promise<void> {
    this.bucket = await openKvBucket(link, bucketName, "keyed actors' state");
    this.maxPayload = link.info?.max_payload ?? this.maxPayload;
    this.fence = fence;
  }

  async load(actor: string, key: string): Promise<unknown> {
    const entry = await this.opened().get(entryKey(actor, key));
    this.revisions.set(entryKey(actor, key), entry?.revision ?? 0);
    return entry && entry.operation === 'PUT' && entry.value.length > 0 ? decodeJson(entry.value) : undefined;
  }

  /**
   * Saves `state` (compare-and-set, see the class).
   * @throws ActorError `IO_ERROR` when this node no longer holds the key's claim, or another
   *   activation wrote the key since this node read it; Error naming both sizes past max_payload
   */
  async save(actor: string, key: string, state: unknown): Promise<void> {
    const bucket = this.opened();
    const name = entryKey(actor, key);
    const value = state === undefined ? undefined : encodeJson(state);
    if (value && value.length > this.maxPayload) {
      throw new Error(
        `State of keyed actor '${actor}/${key}' is ${value.length} bytes as JSON, more than the NATS server's max_payload of ${this.maxPayload} bytes; keep less state per key or raise max_payload`,
      );
    }
    if (this.fence && !this.fence.mayWrite(actor, key)) {
      throw new ActorError(
        ErrorCode.IO_ERROR,
        `State of keyed actor '${actor}/${key}' not saved: this node no longer holds the key's claim ` +
          `(another node took it while this node's lease lapsed, or the key moved); the key's current ` +
          `activation keeps its own state`,
      );
    }
    const from = this.revisions.get(name) ?? (await bucket.get(name))?.revision ?? 0;
    for (let attempt = 1; ; attempt++) {
      try {
        if (value === undefined) {
          await bucket.delete(name, { previousSeq: from });
          this.revisions.delete(name);
        } else {
          this.revisions.set(
            name,
            from === 0 ? await bucket.create(name, value) : await bucket.update(name, value, from),
          );
        }
        return;
      } catch (err) {
        if (isConflict(err)) {
          // A resent write may lose to the first copy of itself, applied late: then it is saved.
          if (attempt > 1 && value && (await this.confirm(name, from, value)) === 'applied') return;
          throw this.lostRace(actor, key, from);
        }
        // No answer (e.g. a JetStream timeout on a loaded server): the write may have been applied.
        const outcome = value === undefined ? 'unknown' : await this.confirm(name, from, value);
        if (outcome === 'applied') return;
        if (outcome === 'overwritten') throw this.lostRace(actor, key, from);
        if (outcome === 'unknown' || attempt === SAVE_ATTEMPTS) {
          // The revision stays `from`: if the write was applied after all, the next one loses its
          // compare-and-set and the activation reloads, so nothing is applied twice or lost silently.
          throw new ActorError(
            ErrorCode.IO_ERROR,
            `State of keyed actor '${actor}/${key}' may not be saved: the JetStream write got no answer ` +
              `(${err instanceof Error ? err.message : String(err)}); its outcome is unknown`,
          );
        }
        // 'absent': not applied yet; sent again from the same revision, so at most one copy applies.
      }
    }
  }

  /**
   * After a write of `value` from revision `from` got no answer: whether the entry now holds it
   * (`applied`: its revision is recorded), still holds revision `from` (`absent`: the write may be
   * sent again), holds another value (`overwritten`), or could not be read (`unknown`).
   */
  private async confirm(
    name: string,
    from: number,
    value: Uint8Array,
  ): Promise<'applied' | 'absent' | 'overwritten' | 'unknown'> {
    try {
      const entry = await this.opened().get(name);
      const revision = entry?.revision ?? 0;
      if (revision === from) return 'absent';
      if (entry?.operation === 'PUT' && Buffer.from(entry.value).equals(value)) {
        this.revisions.set(name, revision);
        return 'applied';
      }
      return 'overwritten';
    } catch {
      return 'unknown';
    }
  }

  /** A write of `actor/key` lost its compare-and-set: the activation here is stale (it is passivated). */
  private lostRace(actor: string, key: string, from: number): ActorError {
    this.revisions.delete(entryKey(actor, key));
    this.fence?.stale(actor, key);
    return new ActorError(
      ErrorCode.IO_ERROR,
      `State of keyed actor '${actor}/${key}' not saved: another activation wrote it after this one read ` +
        `revision ${from}, so this activation is stale; it is passivated and the next call reloads the state`,
    );
  }

  /** @internal the key's activation here is gone: its revision is not needed any more */
  forget(actor: string, key: string): void {
    this.revisions.delete(entryKey(actor, key));
  }

  private opened(): KvBucketLike {
    if (!this.bucket)
      throw new Error(
        'JetStreamKeyedStateStore is not open yet: import ClusterModule.forRoot() (its node opens the bucket at start)',
      );
    return this.bucket;
  }
}

/** How the cluster node fences state writes by key claim (see `JetStreamKeyedStateStore`). */
export interface StateFence {
  /** Whether this node holds the claim of `actor/key` (or holds it suspended after its lease lapsed). */
  mayWrite(actor: string, key: string): boolean;
  /** A write of `actor/key` lost its compare-and-set: the activation here is stale. */
  stale(actor: string, key: string): void;
}

function entryKey(actor: string, key: string): string {
  return `${subjectToken(actor)}.${keyToken(key)}`;
}
