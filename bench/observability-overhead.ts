import { OBSERVE_VARIANTS, ObserveVariant } from './acton/observed-bench-server.module';
import { BenchChild } from './child/bench-child';
import { launchServer } from './child/server-launch';
import { ConcurrentParams, ConcurrentResult } from './client/concurrent.workload';
import { ProgressLine } from './report/progress-line';

/** How the observability overhead is measured (all bounded). */
export interface ObservabilityPlan {
  /**
   * Measured rounds per W2 shape. Each round runs every server once, in alternating order
   * (forward, then reversed), so each variant's run sits next to a run of `off`.
   */
  readonly rounds: number;
  /** The W2 shapes every variant runs (issue 7: 1 × 64 and 8 × 16 in flight). */
  readonly shapes: readonly ConcurrentParams[];
}

/** One variant's figures on one W2 shape. */
export interface VariantFigures {
  readonly variant: ObserveVariant;
  /** Median over the rounds of server CPU (user + system) per answered call, µs. */
  readonly serverCpuUsPerCall: number;
  /**
   * Median over the rounds of (this variant's CPU per call) / (`off`'s CPU per call in the same
   * round): 1.00 = no cost, 1.05 = 5 % more server CPU per call.
   */
  readonly cpuRatio: number;
  /** Every round's CPU-per-call ratio, in round order (their spread is the method's noise). */
  readonly cpuRatios: readonly number[];
  /** Median of the same-round calls/s ratios (report only: wall-clock rates are noisy on a shared machine). */
  readonly throughputRatio: number;
  /** Median round's calls/s and p99. */
  readonly callsPerSecond: number;
  readonly p99Us: number;
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
  'off-again': 1.02,
  metrics: 1.05,
  'tracing-noop': 1.03,
};

/** The overhead plan of a full run or of `--quick`. */
export function observabilityPlan(quick: boolean): ObservabilityPlan {
  const durationMs = quick ? 400 : 1_000;
  const warmupMs = quick ? 100 : 250;
  return {
    rounds: quick ? 2 : 7,
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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Metrics and tracing overhead on W2 (issue 17), as SERVER CPU TIME PER CALL: one acton-ts
 * server per variant of `OBSERVE_VARIANTS` (`BENCH_OBSERVE`), each driven by the same load
 * client. Per shape: one unmeasured warm-up run per server (JIT), then `rounds` rounds running
 * every server once, forward and reversed in turn; a round's ratio is a variant's CPU per call
 * over `off`'s in that round, and the median of those ratios is reported. `off-again` is a
 * second server with no observability: its ratio is the method's noise floor (an A/A test).
 * CPU per call is what a loaded machine leaves steady; calls/s ratios are reported alongside.
 * Only the children started here are stopped, by pid.
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
    const measure = async (target: (typeof servers)[number], shape: ConcurrentParams): Promise<Run> => {
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
      for (const target of servers) {
        progress.begin(`observability overhead · ${label} · warm-up · ${target.variant}`);
        await measure(target, { ...shape, durationMs: shape.warmupMs * 2 });
      }
      const runs = new Map<ObserveVariant, Run[]>(OBSERVE_VARIANTS.map((v) => [v, []]));
      for (let round = 0; round < plan.rounds; round++) {
        const order = round % 2 === 0 ? servers : [...servers].reverse();
        for (const target of order) {
          progress.begin(`observability overhead · ${label} · round ${round + 1}/${plan.rounds} · ${target.variant}`);
          runs.get(target.variant)!.push(await measure(target, shape));
        }
      }
      shapes.push({ shape, variants: variantFigures(runs) });
    }
    return { rounds: plan.rounds, shapes };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

function variantFigures(runs: ReadonlyMap<ObserveVariant, readonly Run[]>): VariantFigures[] {
  const off = runs.get('off')!;
  return OBSERVE_VARIANTS.map((variant): VariantFigures => {
    const all = runs.get(variant)!;
    const cpuRatios = all.map((run, round) => run.cpuUsPerCall / off[round].cpuUsPerCall);
    const throughputRatios = all.map((run, round) => run.result.callsPerSecond / off[round].result.callsPerSecond);
    const byRate = [...all].sort((a, b) => a.result.callsPerSecond - b.result.callsPerSecond);
    const middle = byRate[(byRate.length - 1) >> 1].result;
    return {
      variant,
      serverCpuUsPerCall: median(all.map((run) => run.cpuUsPerCall)),
      cpuRatio: median(cpuRatios),
      cpuRatios,
      throughputRatio: median(throughputRatios),
      callsPerSecond: middle.callsPerSecond,
      p99Us: middle.p99Us,
      errors: all.reduce((sum, run) => sum + run.result.errors, 0),
      firstError: all.find((run) => run.result.firstError)?.result.firstError,
    };
  });
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
    `Server CPU per W2 call, same run, ${results.rounds} rounds per shape alternating the order of the servers;`,
    'ratio = median over the rounds of (variant CPU/call ÷ `off` CPU/call in the same round). `off-again` is a',
    'second server without observability: its ratio is the noise floor of the method.',
    '',
    '| W2 shape | server | CPU/call | extra µs/call | CPU/call ratio (median) | rounds min–max | target | calls/s ratio |',
    '|---|---|---:|---:|---:|---:|:---|---:|',
  ];
  for (const { shape, variants } of results.shapes) {
    const off = variants.find((v) => v.variant === 'off')!;
    for (const v of variants) {
      const target = OVERHEAD_TARGETS[v.variant];
      const verdict =
        v.variant === 'off'
          ? '—'
          : target === undefined
            ? 'report only'
            : `≤ ${target.toFixed(2)} ${v.cpuRatio <= target ? '✅' : '❌'}`;
      const extra = v.variant === 'off' ? '—' : ((v.cpuRatio - 1) * off.serverCpuUsPerCall).toFixed(2);
      lines.push(
        `| ${shape.connections}×${shape.inFlight} | ${v.variant} | ${v.serverCpuUsPerCall.toFixed(2)} µs | ${extra} | ` +
          `${v.cpuRatio.toFixed(3)} | ${Math.min(...v.cpuRatios).toFixed(3)}–${Math.max(...v.cpuRatios).toFixed(3)} | ` +
          `${verdict} | ${v.throughputRatio.toFixed(3)} |`,
      );
    }
  }
  return lines.join('\n');
}
