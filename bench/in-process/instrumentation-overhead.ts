/**
 * In-process cost of the instrumentation port (issue 17): `app.ask()` calls/s on a trivial
 * handler in three apps of one process — no probe, the metrics probe (`ActorFigures`), the
 * tracing probe with the OpenTelemetry API's no-op tracer — in interleaved rounds; the median
 * round of each, and ratios to "no probe". No sockets: this isolates what the probes add per
 * message, which the W2 socket figures bury under I/O and scheduling noise.
 */
import 'reflect-metadata';
import * as otel from '@opentelemetry/api';
import { Actor, ActonApp, bootstrap, ConsoleLogger, Message, Module, OnMessage } from '../../lib/index';
import { ActorFigures } from '../../lib/observability/actor-figures';
import { TracingProbe } from '../../lib/observability/tracing-probe';
import { askRate } from './ask-rate';

/** Asks kept in flight (one `Promise.all` batch at a time). */
const ASK_BATCH = 256;

@Message('OverheadPing')
class OverheadPing {}

@Actor({ name: 'overhead_target', mailboxCapacity: ASK_BATCH * 2 })
class OverheadTargetActor {
  private count = 0;

  @OnMessage()
  ping(_msg: OverheadPing): number {
    return ++this.count;
  }
}

@Module({ actors: [OverheadTargetActor] })
class OverheadModule {}

/** Figures of one probe configuration. */
export interface ProbeOverhead {
  readonly probe: 'none' | 'metrics' | 'tracing-noop';
  /** Median round, asks/s. */
  readonly asksPerSecond: number;
  /** Median divided by the "none" median. */
  readonly ratio: number;
  readonly rounds: readonly number[];
}

function asksPerSecond(app: ActonApp, durationMs: number): Promise<number> {
  return askRate(app, 'overhead_target', new OverheadPing(), { durationMs, batch: ASK_BATCH });
}

/**
 * Runs `rounds` interleaved rounds of `roundMs` per configuration (after a warm-up of each).
 * Bounded: about `3 × rounds × roundMs` plus the warm-ups.
 */
export async function measureProbeOverhead(rounds: number, roundMs: number): Promise<ProbeOverhead[]> {
  const logger = new ConsoleLogger('warn');
  const probes = ['none', 'metrics', 'tracing-noop'] as const;
  const apps = await Promise.all(probes.map(() => bootstrap(OverheadModule, { logger })));
  try {
    apps[1].instrumentation.add(new ActorFigures());
    apps[2].instrumentation.add(new TracingProbe(otel, otel.trace.getTracer('bench'), () => undefined));
    for (const app of apps) await asksPerSecond(app, Math.min(500, roundMs)); // warm-up
    const results = probes.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const index of order) results[index].push(await asksPerSecond(apps[index], roundMs));
    }
    const medians = results.map((all) => [...all].sort((a, b) => a - b)[Math.floor((all.length - 1) / 2)]);
    return probes.map((probe, index) => ({
      probe,
      asksPerSecond: medians[index],
      ratio: medians[index] / medians[0],
      rounds: results[index],
    }));
  } finally {
    await Promise.all(apps.map((app) => app.close()));
  }
}
