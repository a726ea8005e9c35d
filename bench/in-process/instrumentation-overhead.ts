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
import { median } from '../report/round-statistics';

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
  /** Median round, process CPU (user + system) per ask, ns. */
  readonly cpuNsPerAsk: number;
  /** Median over the rounds of (this probe's CPU per ask) / ("none"'s in the same round). */
  readonly cpuRatio: number;
  /** `cpuRatio` as nanoseconds per message added to "none"'s median. */
  readonly addedNsPerAsk: number;
  readonly rounds: readonly number[];
}

interface Round {
  readonly asksPerSecond: number;
  readonly cpuNsPerAsk: number;
}

async function measureRound(app: ActonApp, durationMs: number): Promise<Round> {
  const before = process.cpuUsage();
  const started = process.hrtime.bigint();
  const rate = await askRate(app, 'overhead_target', new OverheadPing(), { durationMs, batch: ASK_BATCH });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(before);
  return { asksPerSecond: rate, cpuNsPerAsk: ((cpu.user + cpu.system) * 1000) / (rate * seconds) };
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
    for (const app of apps) await measureRound(app, Math.min(500, roundMs)); // warm-up
    const results = probes.map(() => [] as Round[]);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const index of order) results[index].push(await measureRound(apps[index], roundMs));
    }
    const baseline = median(results[0].map((r) => r.cpuNsPerAsk));
    return probes.map((probe, index) => {
      const cpuRatio = median(results[index].map((r, round) => r.cpuNsPerAsk / results[0][round].cpuNsPerAsk));
      return {
        probe,
        asksPerSecond: median(results[index].map((r) => r.asksPerSecond)),
        cpuNsPerAsk: median(results[index].map((r) => r.cpuNsPerAsk)),
        cpuRatio,
        addedNsPerAsk: (cpuRatio - 1) * baseline,
        rounds: results[index].map((r) => r.asksPerSecond),
      };
    });
  } finally {
    await Promise.all(apps.map((app) => app.close()));
  }
}

/** The in-process figures as a markdown table. */
export function probeOverheadTable(probes: readonly ProbeOverhead[]): string {
  return [
    `In-process \`app.ask()\` on a trivial handler (${ASK_BATCH} in flight), one process, interleaved rounds:`,
    '',
    '| probe | asks/s | CPU/ask | CPU/ask ratio (median) | added per message |',
    '|---|---:|---:|---:|---:|',
    ...probes.map(
      (p) =>
        `| ${p.probe} | ${Math.round(p.asksPerSecond)} | ${Math.round(p.cpuNsPerAsk)} ns | ${p.cpuRatio.toFixed(3)} | ` +
        `${p.probe === 'none' ? '—' : `${Math.round(p.addedNsPerAsk)} ns`} |`,
    ),
  ].join('\n');
}
