import { OBSERVE_VARIANTS, ObserveVariant } from './acton/observed-bench-server.module';
import { BenchChild } from './child/bench-child';
import { launchServer } from './child/server-launch';
import { ConcurrentParams, ConcurrentResult } from './client/concurrent.workload';
import { ProgressLine } from './report/progress-line';
import { median } from './report/round-statistics';

/** How the observability overhead is measured (all bounded). */
export interface ObservabilityPlan {
  /** A/B pairs per server and W2 shape (probe off, probe on; the order alternates pair by pair). */
  readonly rounds: number;
  /** The W2 shapes every variant runs (issue 7: 1 × 64 and 8 × 16 in flight). */
  readonly shapes: readonly ConcurrentParams[];
}

/** One variant's figures on one W2 shape. */
export interface VariantFigures {
  readonly variant: ObserveVariant;
  /** Median over the pairs of server CPU (user + system) per answered call with the probe off, µs. */
  readonly offCpuUsPerCall: number;
  /** The same with the probe on, µs. */
  readonly onCpuUsPerCall: number;
  /**
   * Median over the pairs of (CPU per call, probe on) / (CPU per call, probe off): 1.00 = no
   * cost, 1.05 = 5 % more server CPU per call.
   */
  readonly cpuRatio: number;
  /** Every pair's ratio, in order (their spread is the method's noise). */
  readonly cpuRatios: readonly number[];
  /** Median of the pairs' calls/s ratios (report only: wall-clock rates are noisy on a shared machine). */
  readonly throughputRatio: number;
  readonly errors: number;
  readonly firstError?: string;
}

/** The figures of one W2 shape. */
export interface ShapeFigures {
  readonly shape: ConcurrentParams;
  readonly variants: readonly VariantFigures[];
}

/** What the overhead bench reports. */
export interface ObservabilityResults {
  readonly rounds: number;
  readonly shapes: readonly ShapeFigures[];
}

/** Upper bounds of the CPU-per-call ratio (issue 17), by variant; the others are reported only. */
export const OVERHEAD_TARGETS: Readonly<Partial<Record<ObserveVariant, number>>> = {
  metrics: 1.05,
  'tracing-noop': 1.03,
};

/** The overhead plan of a full run or of `--quick` (one short pair on 8 × 16: a smoke run). */
export function observabilityPlan(quick: boolean): ObservabilityPlan {
  if (quick) return { rounds: 1, shapes: [{ connections: 8, inFlight: 16, durationMs: 250, warmupMs: 100 }] };
  const durationMs = 700;
  const warmupMs = 150;
  return {
    rounds: 6,
    shapes: [
      { connections: 1, inFlight: 64, durationMs, warmupMs },
      { connections: 8, inFlight: 16, durationMs, warmupMs },
    ],
  };
}

/** One measured run of one server. */
interface Run {
  readonly cpuUsPerCall: number;
  readonly result: ConcurrentResult;
}

/**
 * Metrics and tracing overhead on W2 (issue 17), as SERVER CPU TIME PER CALL, A/B in one
 * process: one acton-ts server per variant of `OBSERVE_VARIANTS` (`BENCH_OBSERVE`), each driven
 * by the same load client. Per shape and server: a warm-up run with its probe off and one with
 * it on, then `rounds` pairs (off, on; on, off; …) switching the probe with the `observe` task;
 * a pair's ratio is on ÷ off, and the median of those ratios is reported. In one process the
 * JIT, heap and scheduling are shared by both sides of a pair, which is what makes a few
 * percent visible on a loaded machine. `off` has no probe to switch: its ratio is the noise
 * floor (an A/A test). Only the children started here are stopped, by pid.
 */
export async function runObservabilityOverhead(
  jsRoot: string,
  dir: string,
  plan: ObservabilityPlan,
  listItems: number,
  progress: ProgressLine,
): Promise<ObservabilityResults> {
  const children: BenchChild[] = [];
  try {
    const servers = OBSERVE_VARIANTS.map((variant) => {
      const { server, socketPath } = launchServer('acton-ts', jsRoot, dir, listItems, [], {
        name: variant,
        env: { BENCH_OBSERVE: variant },
      });
      children.push(server);
      return { variant, server, socketPath };
    });
    const client = new BenchChild('load client (observability)', jsRoot, 'bench/client/load-client.ts');
    children.push(client);
    await Promise.all([...servers.map((s) => s.server.ready()), client.ready()]);
    const measure = async (target: (typeof servers)[number], on: boolean, shape: ConcurrentParams): Promise<Run> => {
      await target.server.run('observe', { on }, 10_000);
      const cpuBefore = await target.server.cpuMicroseconds();
      const result = await client.run<ConcurrentResult>(
        'concurrent',
        { socketPath: target.socketPath, params: shape },
        120_000,
        (text) => progress.update(text),
      );
      const cpu = (await target.server.cpuMicroseconds()) - cpuBefore;
      return { cpuUsPerCall: cpu / Math.max(1, result.operations), result };
    };
    const shapes: ShapeFigures[] = [];
    for (const shape of plan.shapes) {
      const label = `W2 ${shape.connections}×${shape.inFlight}`;
      const pairs = new Map<ObserveVariant, { off: Run; on: Run }[]>(OBSERVE_VARIANTS.map((v) => [v, []]));
      for (let round = -1; round < plan.rounds; round++) {
        for (const target of servers) {
          const step = round < 0 ? 'warm-up' : `pair ${round + 1}/${plan.rounds}`;
          progress.begin(`observability overhead · ${label} · ${step} · ${target.variant}`);
          const offFirst = round % 2 === 0;
          const first = await measure(target, !offFirst, shape);
          const second = await measure(target, offFirst, shape);
          if (round >= 0)
            pairs.get(target.variant)!.push(offFirst ? { off: first, on: second } : { off: second, on: first });
        }
      }
      shapes.push({ shape, variants: OBSERVE_VARIANTS.map((variant) => variantFigures(variant, pairs.get(variant)!)) });
    }
    return { rounds: plan.rounds, shapes };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

function variantFigures(variant: ObserveVariant, pairs: readonly { off: Run; on: Run }[]): VariantFigures {
  const cpuRatios = pairs.map(({ off, on }) => on.cpuUsPerCall / off.cpuUsPerCall);
  const runs = pairs.flatMap(({ off, on }) => [off, on]);
  return {
    variant,
    offCpuUsPerCall: median(pairs.map(({ off }) => off.cpuUsPerCall)),
    onCpuUsPerCall: median(pairs.map(({ on }) => on.cpuUsPerCall)),
    cpuRatio: median(cpuRatios),
    cpuRatios,
    throughputRatio: median(pairs.map(({ off, on }) => on.result.callsPerSecond / off.result.callsPerSecond)),
    errors: runs.reduce((sum, run) => sum + run.result.errors, 0),
    firstError: runs.find((run) => run.result.firstError)?.result.firstError,
  };
}

/** Wrong answers of the overhead runs, one line per variant and shape that had any. */
export function observabilityProblems(results: ObservabilityResults): string[] {
  return results.shapes.flatMap(({ shape, variants }) =>
    variants
      .filter((v) => v.errors > 0)
      .map(
        (v) =>
          `observability overhead W2 ${shape.connections}×${shape.inFlight} (${v.variant}): ` +
          `${v.errors} wrong answer(s), first: ${v.firstError}`,
      ),
  );
}

/** The overhead as a markdown table, with issue 17's targets (metrics ≤ 5 %, no-op tracing ≤ 3 %). */
export function observabilityTable(results: ObservabilityResults): string {
  const lines = [
    `Server CPU per W2 call, probe off vs on in the same server process, ${results.rounds} pairs per shape`,
    "(off, on; on, off; …); ratio = median of the pairs' on ÷ off. `off` has no probe to switch: its",
    'ratio is the noise floor of the method.',
    '',
    '| W2 shape | server | CPU/call off | CPU/call on | extra µs/call | CPU/call ratio (median) | pairs min–max | target | calls/s ratio |',
    '|---|---|---:|---:|---:|---:|---:|:---|---:|',
  ];
  for (const { shape, variants } of results.shapes) {
    for (const v of variants) {
      const target = OVERHEAD_TARGETS[v.variant];
      const verdict =
        v.variant === 'off'
          ? 'A/A: noise floor'
          : target === undefined
            ? 'report only'
            : `≤ ${target.toFixed(2)} ${v.cpuRatio <= target ? '✅' : '❌'}`;
      lines.push(
        `| ${shape.connections}×${shape.inFlight} | ${v.variant} | ${v.offCpuUsPerCall.toFixed(2)} µs | ` +
          `${v.onCpuUsPerCall.toFixed(2)} µs | ${((v.cpuRatio - 1) * v.offCpuUsPerCall).toFixed(2)} | ` +
          `${v.cpuRatio.toFixed(3)} | ${Math.min(...v.cpuRatios).toFixed(3)}–${Math.max(...v.cpuRatios).toFixed(3)} | ` +
          `${verdict} | ${v.throughputRatio.toFixed(3)} |`,
      );
    }
  }
  return lines.join('\n');
}
