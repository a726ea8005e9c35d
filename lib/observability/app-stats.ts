import type { ActonApp } from '../core/runtime/acton-app';
import { ActorRef } from '../core/runtime/actor-ref';
import { ActorFigures, MessageTypeFigures } from './actor-figures';
import { EMPTY_HISTOGRAM, HistogramSnapshot, LATENCY_BUCKETS_SECONDS } from './latency-histogram';

/** Live and recorded figures of one actor label (a class, or an instance with `keyLabels`). */
export interface ActorStats {
  /** The label: the actor's class name, or its instance name with `keyLabels`. */
  readonly actor: string;
  /** Running instances with this label. */
  readonly instances: number;
  /** Messages waiting in their mailboxes now. */
  readonly mailboxDepth: number;
  /** Streams returned by their handlers and still being drained now. */
  readonly streamsInFlight: number;
  readonly restarts: number;
  readonly mailboxWaitSeconds: HistogramSnapshot;
  readonly messageTypes: readonly MessageTypeFigures[];
}

/** What `$acton` answers to `StatsRequest` and what `acton stats` prints. */
export interface AppStats {
  /** When the snapshot was taken, epoch milliseconds. */
  readonly takenAt: number;
  /** Seconds since the process started. */
  readonly uptimeSeconds: number;
  /** Upper bounds (seconds) of every histogram's buckets; each histogram has one more (+Inf). */
  readonly bucketsSeconds: readonly number[];
  /** `app.listener.stats()` (docs/protocol.md §7), when the app has an IPC listener. */
  readonly listener?: Readonly<Record<string, number>>;
  readonly actors: readonly ActorStats[];
  /** `app.cluster.stats()` when the app is clustered. */
  readonly cluster?: Readonly<Record<string, unknown>>;
}

interface LiveFigures {
  instances: number;
  mailboxDepth: number;
  streamsInFlight: number;
}

/** The optional members of `LocalActorRef` read here (duck-typed: any `ActorRef` may lack them). */
interface MeasurableRef extends ActorRef {
  readonly queued?: number;
  readonly activeStreams?: number;
}

/** Something with a `stats()` method returning a plain object (the listener, the cluster node). */
interface HasStats {
  stats(): object;
}

/** The extension of `kind` when it has a `stats()` method (duck-typed: no import of its module). */
export function statsSourceOf(app: ActonApp, kind: string): HasStats | undefined {
  const extension = app.extension<Partial<HasStats>>(kind);
  return extension && typeof extension.stats === 'function' ? (extension as HasStats) : undefined;
}

/**
 * Assembles a snapshot of a running app: listener counters, per-label actor figures (live
 * mailbox depth and streams from the actors, recorded counts and histograms from `figures`),
 * and the cluster's figures. Reads everything at call time; keeps nothing.
 */
export function collectAppStats(app: ActonApp, figures: ActorFigures): AppStats {
  const live = new Map<string, LiveFigures>();
  for (const { ref } of app.actors()) {
    const label = figures.labelOf(ref);
    let entry = live.get(label);
    if (!entry) {
      entry = { instances: 0, mailboxDepth: 0, streamsInFlight: 0 };
      live.set(label, entry);
    }
    const measurable = ref as MeasurableRef;
    entry.instances++;
    entry.mailboxDepth += measurable.queued ?? 0;
    entry.streamsInFlight += measurable.activeStreams ?? 0;
  }
  const recorded = new Map(figures.snapshot().map((entry) => [entry.actor, entry]));
  const labels = new Set([...live.keys(), ...recorded.keys()]);
  const actors: ActorStats[] = [...labels].sort().map((actor) => {
    const now = live.get(actor) ?? {
      instances: 0,
      mailboxDepth: 0,
      streamsInFlight: 0,
    };
    const past = recorded.get(actor);
    return {
      actor,
      ...now,
      restarts: past?.restarts ?? 0,
      mailboxWaitSeconds: past?.mailboxWaitSeconds ?? EMPTY_HISTOGRAM,
      messageTypes: past?.messageTypes ?? [],
    };
  });
  const listener = statsSourceOf(app, 'ipc')?.stats() as Record<string, number> | undefined;
  const cluster = statsSourceOf(app, 'cluster')?.stats() as Record<string, unknown> | undefined;
  return {
    takenAt: Date.now(),
    uptimeSeconds: process.uptime(),
    bucketsSeconds: LATENCY_BUCKETS_SECONDS,
    ...(listener ? { listener: { ...listener } } : {}),
    actors,
    ...(cluster ? { cluster: { ...cluster } } : {}),
  };
}
