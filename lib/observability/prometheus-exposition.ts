import type { Registry } from 'prom-client';
import type { IpcListenerStats } from '../ipc/server/listener-stats';
import { AppStats } from './app-stats';
import { HistogramSnapshot, LATENCY_BUCKETS_SECONDS } from './latency-histogram';

type MetricType = 'counter' | 'gauge' | 'histogram';
type Labels = Record<string, string | number>;

/** One exported sample (`metricName` set for a histogram's `_bucket` / `_sum` / `_count`). */
interface Sample {
  readonly value: number;
  readonly labels: Labels;
  readonly metricName?: string;
}

/**
 * The listener's §7 counters (docs/protocol.md §7) as Prometheus series: gauges keep their
 * name, counters get `_total`. Every §7 field of `IpcListener.stats()` is listed (the type checks it);
 * its `remoteCalls` are the cluster's figures, exposed as the cluster's series.
 */
const LISTENER_SERIES: Readonly<
  Record<Exclude<keyof IpcListenerStats, 'remoteCalls'>, { name: string; type: MetricType; help: string }>
> = {
  connectionsAccepted: {
    name: 'ipc_connections_accepted_total',
    type: 'counter',
    help: 'IPC connections admitted',
  },
  activeConnections: {
    name: 'ipc_connections_active',
    type: 'gauge',
    help: 'Open IPC connections',
  },
  maxConnections: {
    name: 'ipc_connections_max',
    type: 'gauge',
    help: 'Configured limit of IPC connections',
  },
  connectionsAvailable: {
    name: 'ipc_connections_available',
    type: 'gauge',
    help: 'IPC connections still admissible',
  },
  messagesReceived: {
    name: 'ipc_messages_received_total',
    type: 'counter',
    help: 'Request frames received',
  },
  messagesProcessed: {
    name: 'ipc_messages_routed_total',
    type: 'counter',
    help: 'Requests enqueued to an actor',
  },
  errors: {
    name: 'ipc_errors_total',
    type: 'counter',
    help: 'IPC errors (docs/protocol.md §7)',
  },
  rateLimited: {
    name: 'ipc_rate_limited_total',
    type: 'counter',
    help: 'Requests answered RATE_LIMITED',
  },
  backpressureRejections: {
    name: 'ipc_backpressure_rejections_total',
    type: 'counter',
    help: 'Requests answered TARGET_BUSY',
  },
  shutdownRejections: {
    name: 'ipc_shutdown_rejections_total',
    type: 'counter',
    help: 'Requests answered SHUTTING_DOWN',
  },
  inFlightRequests: {
    name: 'ipc_requests_in_flight',
    type: 'gauge',
    help: 'Requests accepted and not yet answered',
  },
  subscriptionsProcessed: {
    name: 'ipc_subscriptions_processed_total',
    type: 'counter',
    help: 'Subscribe and unsubscribe frames',
  },
  activeSubscriptions: {
    name: 'ipc_subscriptions_active',
    type: 'gauge',
    help: 'Active (connection, message type) subscriptions',
  },
  activePatternSubscriptions: {
    name: 'ipc_pattern_subscriptions_active',
    type: 'gauge',
    help: 'Active (connection, pattern) pattern subscriptions',
  },
  accessDenied: {
    name: 'ipc_access_denied_total',
    type: 'counter',
    help: 'Admissions and operations a security policy denied',
  },
  pushNotificationsSent: {
    name: 'ipc_push_notifications_sent_total',
    type: 'counter',
    help: 'Pushes accepted into a push buffer',
  },
  pushNotificationsDropped: {
    name: 'ipc_push_notifications_dropped_total',
    type: 'counter',
    help: 'Pushes dropped (push buffer full)',
  },
};

/** Cluster figures that are gauges (the others are counters); duck-typed from `app.cluster.stats()`. */
const CLUSTER_GAUGES = new Set(['inFlight', 'peers', 'singletonsOwned', 'leasesHeld', 'active']);

/** Cluster figures that are maps of numbers, exported as one family labelled by the map's key. */
const CLUSTER_COUNTS_BY = { remoteCallsFailed: 'code' } as const;

/** `stats().keyed.actors`: per keyed actor type, these figures (the map is empty until one is adopted). */
const KEYED_ACTOR_FIGURES = ['active', 'activations', 'passivations'] as const;

/**
 * Registers the app's series in a prom-client `Registry` as collectors that read one
 * `AppStats` snapshot per scrape (`registry.metrics()` asks every family in one synchronous
 * pass, so the snapshot is shared until the next microtask). Nothing is recorded through prom-client on the
 * message path: the figures are kept by `ActorFigures` and copied at scrape time.
 */
export function registerAppSeries(registry: Registry, prefix: string, snapshotOf: () => AppStats): void {
  let cached: AppStats | undefined;
  const stats = (): AppStats => {
    if (!cached) {
      cached = snapshotOf();
      queueMicrotask(() => (cached = undefined));
    }
    return cached;
  };
  const family = (name: string, type: MetricType, help: string, samples: (s: AppStats) => Sample[]): void => {
    const fullName = prefix + name;
    const metric = {
      name: fullName,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({
        name: fullName,
        help,
        type,
        aggregator: 'sum',
        values: samples(stats()),
      }),
      reset: () => undefined,
    };
    registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  };

  for (const [field, series] of Object.entries(LISTENER_SERIES)) {
    family(series.name, series.type, series.help, (s) =>
      s.listener && typeof s.listener[field] === 'number' ? [{ value: s.listener[field], labels: {} }] : [],
    );
  }

  family('actor_instances', 'gauge', 'Running actor instances', (s) =>
    s.actors.map((a) => ({ value: a.instances, labels: { actor: a.actor } })),
  );
  family('actor_mailbox_depth', 'gauge', 'Messages waiting in actor mailboxes', (s) =>
    s.actors.map((a) => ({
      value: a.mailboxDepth,
      labels: { actor: a.actor },
    })),
  );
  family('actor_streams_in_flight', 'gauge', 'Streams returned by handlers and still being drained', (s) =>
    s.actors.map((a) => ({
      value: a.streamsInFlight,
      labels: { actor: a.actor },
    })),
  );
  family('actor_restarts_total', 'counter', 'Actor restarts (ActorRestarted events)', (s) =>
    s.actors.map((a) => ({ value: a.restarts, labels: { actor: a.actor } })),
  );
  family(
    'actor_messages_handled_total',
    'counter',
    'Messages finished, by type and outcome (ok or the error code)',
    (s) =>
      s.actors.flatMap((a) =>
        a.messageTypes.flatMap((t) =>
          Object.entries(t.outcomes).map(([outcome, value]) => ({
            value,
            labels: { actor: a.actor, message_type: t.messageType, outcome },
          })),
        ),
      ),
  );
  const handlerName = `${prefix}actor_handler_duration_seconds`;
  family('actor_handler_duration_seconds', 'histogram', 'Handler time, start to the end of its reply or stream', (s) =>
    s.actors.flatMap((a) =>
      a.messageTypes.flatMap((t) =>
        histogramSamples(handlerName, t.handlerSeconds, {
          actor: a.actor,
          message_type: t.messageType,
        }),
      ),
    ),
  );
  const waitName = `${prefix}actor_mailbox_wait_seconds`;
  family(
    'actor_mailbox_wait_seconds',
    'histogram',
    'Time messages waited in the mailbox before their handler started',
    (s) => s.actors.flatMap((a) => histogramSamples(waitName, a.mailboxWaitSeconds, { actor: a.actor })),
  );

  registerClusterSeries(family, stats);
}

type FamilyOf = (name: string, type: MetricType, help: string, samples: (s: AppStats) => Sample[]) => void;

/**
 * One family per figure of `app.cluster.stats()`, by the fields seen at start (they are only known
 * once it runs): numbers as gauges or `_total` counters, `remoteCallsFailed` labelled by `code`,
 * the `keyed` figures as `cluster_keyed_*` with the per-type ones labelled by `actor`.
 */
function registerClusterSeries(family: FamilyOf, stats: () => AppStats): void {
  const first = stats().cluster;
  if (!first) return;
  const cluster = (s: AppStats): Readonly<Record<string, unknown>> => s.cluster ?? {};
  registerFigures(family, 'cluster', first, cluster);
  const keyed = first.keyed;
  if (keyed === null || typeof keyed !== 'object') return;
  const keyedOf = (s: AppStats): Readonly<Record<string, unknown>> =>
    (cluster(s).keyed ?? {}) as Readonly<Record<string, unknown>>;
  registerFigures(family, 'cluster_keyed', keyed as Record<string, unknown>, keyedOf);
  for (const figure of KEYED_ACTOR_FIGURES) {
    const gauge = CLUSTER_GAUGES.has(figure);
    const name = `cluster_keyed_${snakeCase(figure)}${gauge ? '' : '_total'}`;
    family(name, gauge ? 'gauge' : 'counter', `Cluster node: keyed actors' ${figure}, by actor type`, (s) =>
      Object.entries((keyedOf(s).actors ?? {}) as Record<string, Record<string, unknown>>)
        .filter(([, figures]) => typeof figures?.[figure] === 'number')
        .map(([actor, figures]) => ({ value: figures[figure] as number, labels: { actor } })),
    );
  }
}

/** The numbers of `figures` (and the `CLUSTER_COUNTS_BY` maps) as `<prefix>_<field>` families. */
function registerFigures(
  family: FamilyOf,
  prefix: string,
  figures: Readonly<Record<string, unknown>>,
  read: (s: AppStats) => Readonly<Record<string, unknown>>,
): void {
  for (const [field, value] of Object.entries(figures)) {
    const base = `${prefix}_${snakeCase(field)}`;
    if (typeof value === 'number') {
      const gauge = CLUSTER_GAUGES.has(field);
      family(gauge ? base : `${base}_total`, gauge ? 'gauge' : 'counter', `Cluster node: ${field}`, (s) => {
        const current = read(s)[field];
        return typeof current === 'number' ? [{ value: current, labels: {} }] : [];
      });
    } else if (field in CLUSTER_COUNTS_BY) {
      const label = CLUSTER_COUNTS_BY[field as keyof typeof CLUSTER_COUNTS_BY];
      family(`${base}_total`, 'counter', `Cluster node: ${field}, by ${label}`, (s) =>
        Object.entries((read(s)[field] ?? {}) as Record<string, unknown>)
          .filter(([, count]) => typeof count === 'number')
          .map(([key, count]) => ({ value: count as number, labels: { [label]: key } })),
      );
    }
  }
}

function histogramSamples(name: string, histogram: HistogramSnapshot, labels: Labels): Sample[] {
  const samples: Sample[] = [];
  let cumulative = 0;
  LATENCY_BUCKETS_SECONDS.forEach((bound, index) => {
    cumulative += histogram.buckets[index];
    samples.push({
      value: cumulative,
      labels: { ...labels, le: bound },
      metricName: `${name}_bucket`,
    });
  });
  samples.push({
    value: histogram.count,
    labels: { ...labels, le: '+Inf' },
    metricName: `${name}_bucket`,
  });
  samples.push({ value: histogram.sum, labels, metricName: `${name}_sum` });
  samples.push({ value: histogram.count, labels, metricName: `${name}_count` });
  return samples;
}

function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
