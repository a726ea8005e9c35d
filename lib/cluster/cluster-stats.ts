import type { KeyedPlacementStats } from './keyed-placement';

/** What `app.cluster.stats()` reports (a plain snapshot). */
export interface ClusterStatsSnapshot {
  /** Calls this node sent to actors on NATS (ask, tell, stream; in-process and IPC callers). */
  readonly remoteCallsSent: number;
  /** Calls this node served for callers on NATS. */
  readonly remoteCallsReceived: number;
  /** Calls sent from this node that failed, by error code. */
  readonly remoteCallsFailed: Readonly<Record<string, number>>;
  /** Bytes of bodies published / received on NATS. */
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Calls sent from this node not finished yet. */
  readonly inFlight: number;
  /** Joins and losses of other nodes seen so far. */
  readonly membershipChanges: number;
  /** Other nodes alive now. */
  readonly peers: number;
  /** Singletons this node owns now. */
  readonly singletonsOwned: number;
  /**
   * Keyed actors: per actor type active keys, activations, passivations; moves; key claims held;
   * calls and tells re-sent; lease lapses and the keys resumed after them.
   */
  readonly keyed: KeyedPlacementStats;
}

/** The counters behind `ClusterStatsSnapshot`, written by the caller and serving sides. */
export class ClusterCounters {
  remoteCallsSent = 0;
  remoteCallsReceived = 0;
  bytesSent = 0;
  bytesReceived = 0;
  readonly remoteCallsFailed: Record<string, number> = {};

  /** Counts one failed call under its code. */
  failed(code: string): void {
    this.remoteCallsFailed[code] = (this.remoteCallsFailed[code] ?? 0) + 1;
  }
}
