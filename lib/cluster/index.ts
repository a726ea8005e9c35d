/**
 * `acton-ts/cluster`: one actor system across processes and machines, on NATS.
 * Needs the optional peer dependencies `@nats-io/transport-node`, `@nats-io/jetstream` and
 * `@nats-io/kv` (loaded only when a cluster node starts).
 */
export { ClusterModule } from './cluster.module';
export { ClusterNode } from './cluster-node';
export type { ClusterModuleOptions, ClusterConfig, ClusterFormat, ClusterTlsOptions } from './cluster-options';
export { resolveClusterOptions } from './cluster-options';
export type { ClusterStatsSnapshot } from './cluster-stats';
export type { ClusterNodeInfo, MembershipEvent, AnnouncedActor } from './node-directory';
export { ClusterActorRef, RemoteActor } from './cluster-actor-ref';
export type { ClusterPlacement } from '../core/metadata/actor-metadata';
export { JetStreamKeyedStateStore } from './jetstream-keyed-state-store';
export { rendezvousScore } from './keyed-placement';
export type { KeyedPlacementStats } from './keyed-placement';
