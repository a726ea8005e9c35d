/**
 * The few shapes of the NATS client (`@nats-io/transport-node` 3.x) the cluster uses, declared
 * here so that no type of an optional package leaks into the rest of the code (the client is
 * loaded lazily by `nats-loader.ts`).
 */

/** Message headers (NATS 2.2+). */
export interface NatsHeaders {
  get(key: string): string;
  set(key: string, value: string): void;
  /** True for a server status message, e.g. 503 "no responders". */
  readonly hasError: boolean;
  readonly code: number;
}

/** One received message. */
export interface NatsMessage {
  readonly subject: string;
  readonly reply?: string;
  readonly data: Uint8Array;
  readonly headers?: NatsHeaders;
}

/** A live subscription. */
export interface NatsSubscription {
  unsubscribe(): void;
  /** Unsubscribes, still handing the callback the messages that reached this client before the server saw it. */
  drain(): Promise<void>;
}

/** A connection status event (`disconnect`, `reconnect`, `close`, ...). */
export interface NatsStatus {
  readonly type: string;
}

/** The connection, as the cluster uses it. */
export interface NatsConnectionLike {
  readonly info?: { readonly max_payload: number };
  publish(subject: string, data?: Uint8Array, options?: { reply?: string }): void;
  subscribe(
    subject: string,
    options: { queue?: string; callback: (err: Error | null, msg: NatsMessage) => void },
  ): NatsSubscription;
  status(): AsyncIterable<NatsStatus>;
  flush(): Promise<void>;
  drain(): Promise<void>;
  close(): Promise<void>;
  isClosed(): boolean;
}

/** The part of `@nats-io/kv` the lease table uses. */
export interface KvEntryLike {
  readonly revision: number;
  readonly operation: 'PUT' | 'DEL' | 'PURGE';
  readonly value: Uint8Array;
}

/** A JetStream key-value bucket, as the lease table uses it (compare-and-set by revision). */
export interface KvBucketLike {
  get(key: string): Promise<KvEntryLike | null>;
  create(key: string, value: Uint8Array): Promise<number>;
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
  put(key: string, value: Uint8Array): Promise<number>;
  delete(key: string, options?: { previousSeq?: number }): Promise<void>;
}

/** JetStream's answer to a compare-and-set whose expected revision is stale (or a create of an existing key). */
export function isConflict(err: unknown): boolean {
  const text = err instanceof Error ? err.message : String(err);
  return /wrong last sequence|key exists/i.test(text);
}
