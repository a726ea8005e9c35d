/**
 * acton-ts/observability: Prometheus metrics, health, the `$acton` system actor and
 * OpenTelemetry tracing. prom-client and @opentelemetry/api are optional peer dependencies,
 * loaded only when a module that needs them starts.
 */
export { MetricsModule } from './metrics.module';
export { MetricsExtension } from './metrics-extension';
export type { MetricsModuleOptions } from './metrics-extension';
export { ActorFigures, OVERFLOW_ACTOR_LABEL } from './actor-figures';
export type { ActorLabelling, ActorLabelFigures, MessageTypeFigures } from './actor-figures';
export type { ActorStats, AppStats } from './app-stats';
export type { Readiness, ReadinessCheck } from './readiness';
export { LATENCY_BUCKETS_SECONDS, quantileOf, histogramDelta } from './latency-histogram';
export type { HistogramSnapshot } from './latency-histogram';
export { ActonSystemActor, SYSTEM_ACTOR_NAME } from './acton-system.actor';
export type { SystemActorAccess } from './system-actor-access';
export { ActorsRequest, ReadyRequest, StatsRequest } from './system-messages';
export type { ActorList, ActorListEntry } from './system-messages';
export { TracingExtension, TracingModule } from './tracing.module';
export type { TracingModuleOptions } from './tracing.module';
