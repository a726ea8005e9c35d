import { Observable, Subject } from 'rxjs';
import { ClusterPlacement } from '../core/metadata/actor-metadata';
import { HandlerInfo } from '../core/runtime/actor-ref';

/** One actor as a node announces it. */
export interface AnnouncedActor {
  readonly name: string;
  readonly placement: Exclude<ClusterPlacement, 'local'>;
  /** False for a singleton this node only stands by for. */
  readonly serving: boolean;
  readonly handlers: readonly HandlerInfo[];
}

/** What a node says in each heartbeat. */
export interface NodeAnnouncement {
  readonly node: string;
  readonly actors: readonly AnnouncedActor[];
}

/** One node of the cluster, as `app.cluster.nodes()` lists it. */
export interface ClusterNodeInfo {
  readonly nodeId: string;
  /** This process. */
  readonly self: boolean;
  /** Epoch ms of its last heartbeat (now, for this node). */
  readonly lastSeen: number;
  readonly actors: readonly AnnouncedActor[];
}

/** A membership change. */
export interface MembershipEvent {
  readonly type: 'join' | 'leave';
  readonly nodeId: string;
  /** For `leave`: `shutdown` (it said goodbye) or `timeout` (no heartbeat for nodeTimeoutMs). */
  readonly reason?: 'shutdown' | 'timeout';
}

/**
 * The other nodes of the cluster as last heard from: who is alive, what each hosts, who serves
 * which singleton. Owns no timers or sockets: the cluster node feeds it heartbeats, goodbyes
 * and clock ticks, and it reports joins and losses.
 */
export class NodeDirectory {
  private readonly peers = new Map<string, { lastSeen: number; announcement: NodeAnnouncement }>();
  private readonly changes = new Subject<MembershipEvent>();
  /** Joins plus losses seen so far. */
  membershipChanges = 0;

  constructor(
    private readonly selfId: string,
    private readonly nodeTimeoutMs: number,
  ) {}

  /** Joins and losses of other nodes, as they happen (hot). */
  get events(): Observable<MembershipEvent> {
    return this.changes.asObservable();
  }

  /** Records a heartbeat; returns true when the node is new (it joined). */
  heard(announcement: NodeAnnouncement, now: number): boolean {
    if (announcement.node === this.selfId) return false;
    const known = this.peers.has(announcement.node);
    this.peers.set(announcement.node, { lastSeen: now, announcement });
    if (!known) this.emit({ type: 'join', nodeId: announcement.node });
    return !known;
  }

  /** Forgets a node at once (it said goodbye). */
  left(nodeId: string): void {
    if (this.peers.delete(nodeId)) this.emit({ type: 'leave', nodeId, reason: 'shutdown' });
  }

  /** Forgets nodes not heard from for `nodeTimeoutMs`; returns their ids. */
  sweep(now: number): string[] {
    const gone: string[] = [];
    for (const [nodeId, peer] of this.peers) {
      if (now - peer.lastSeen > this.nodeTimeoutMs) gone.push(nodeId);
    }
    for (const nodeId of gone) {
      this.peers.delete(nodeId);
      this.emit({ type: 'leave', nodeId, reason: 'timeout' });
    }
    return gone;
  }

  /** Whether `nodeId` is alive as far as this node knows. */
  has(nodeId: string): boolean {
    return this.peers.has(nodeId);
  }

  /** The other nodes. */
  peerList(): ClusterNodeInfo[] {
    return [...this.peers.entries()].map(([nodeId, peer]) => ({
      nodeId,
      self: false,
      lastSeen: peer.lastSeen,
      actors: peer.announcement.actors,
    }));
  }

  /** The node announcing that it serves `name`, if any (the singleton's owner). */
  servingNode(name: string): string | undefined {
    for (const [nodeId, peer] of this.peers) {
      if (peer.announcement.actors.some((actor) => actor.name === name && actor.serving)) return nodeId;
    }
    return undefined;
  }

  /** The other nodes announcing that they serve `name` now (for keyed actors: that host its keys). */
  nodesServing(name: string): string[] {
    const nodes: string[] = [];
    for (const [nodeId, peer] of this.peers) {
      if (peer.announcement.actors.some((actor) => actor.name === name && actor.serving)) nodes.push(nodeId);
    }
    return nodes;
  }

  /** How another node describes actor `name` (its handlers, its placement). */
  describe(name: string): AnnouncedActor | undefined {
    for (const peer of this.peers.values()) {
      const actor = peer.announcement.actors.find((candidate) => candidate.name === name);
      if (actor) return actor;
    }
    return undefined;
  }

  /** Every actor name some other node announces. */
  names(): Set<string> {
    const names = new Set<string>();
    for (const peer of this.peers.values()) for (const actor of peer.announcement.actors) names.add(actor.name);
    return names;
  }

  /** Completes the events Observable. */
  close(): void {
    this.changes.complete();
  }

  private emit(event: MembershipEvent): void {
    this.membershipChanges++;
    this.changes.next(event);
  }
}
