import { KeyedStateStore } from '../core/runtime/keyed/keyed-state-store';
import { decodeJson, encodeJson, keyToken, subjectToken } from './cluster-wire';
import { openKvBucket } from './nats-loader';
import { KvBucketLike, NatsConnectionLike } from './nats-port';

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
 */
export class JetStreamKeyedStateStore extends KeyedStateStore {
  private bucket?: KvBucketLike;
  private maxPayload = Number.POSITIVE_INFINITY;

  /** @internal the cluster node opens the bucket when it starts */
  async open(link: NatsConnectionLike, bucketName: string): Promise<void> {
    this.bucket = await openKvBucket(link, bucketName, "keyed actors' state");
    this.maxPayload = link.info?.max_payload ?? this.maxPayload;
  }

  async load(actor: string, key: string): Promise<unknown> {
    const entry = await this.opened().get(entryKey(actor, key));
    return entry && entry.operation === 'PUT' && entry.value.length > 0 ? decodeJson(entry.value) : undefined;
  }

  async save(actor: string, key: string, state: unknown): Promise<void> {
    const bucket = this.opened();
    if (state === undefined) {
      await bucket.delete(entryKey(actor, key));
      return;
    }
    const value = encodeJson(state);
    if (value.length > this.maxPayload) {
      throw new Error(
        `State of keyed actor '${actor}/${key}' is ${value.length} bytes as JSON, more than the NATS server's max_payload of ${this.maxPayload} bytes; keep less state per key or raise max_payload`,
      );
    }
    await bucket.put(entryKey(actor, key), value);
  }

  private opened(): KvBucketLike {
    if (!this.bucket)
      throw new Error(
        'JetStreamKeyedStateStore is not open yet: import ClusterModule.forRoot() (its node opens the bucket at start)',
      );
    return this.bucket;
  }
}

function entryKey(actor: string, key: string): string {
  return `${subjectToken(actor)}.${keyToken(key)}`;
}
