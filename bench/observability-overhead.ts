import { OBSERVE_VARIANTS, ObserveVariant } from './acton/observed-bench-server.module';
import { BenchChild } from './child/bench-child';
import { launchServer } from './child/server-launch';
import { ConcurrentParams, ConcurrentResult } from './client/concurrent.workload';
import { ProgressLine } from './report/progress-line';

/** How the observability overhead is measured (all bounded). */
export interface ObservabilityPlan {
  /** Rounds per variant, interleaved (off, metrics, tracing…, off, metrics, …); the median is kept. */
  readonly rounds: number;
  /** The W2 shape every variant runs. */
  readonly load: ConcurrentParams;
}

/** One variant's median round. */
export interface VariantFigures {
  readonly variant: ObserveVariant;
  readonly callsPerSecond: number;
  readonly p99Us: number;
  /** Server CPU (user + system) per answered call, µs. */
  readonly serverCpuUsPerCall: number;
  /** Every round's calls/s. */
  readonly rounds: readonly number[];
  readonly errors: number;
}

/** What the overhead bench reports: each variant, and its ratios to `off` from the same run. */
export interface ObservabilityResults {
  readonly load: ConcurrentParams;
  readonly variants: readonly VariantFigures[];
  /** variant → its calls/s divided by `off`'s (1.0 = no cost; 0.95 = 5 % fewer calls). */
  readonly throughputRatio: Readonly<Record<string, number>>;
  /** variant → its server CPU per call divided by `off`'s (1.05 = 5 % more CPU per call). */
  readonly cpuPerCallRatio: Readonly<Record<string, number>>;
}

/** The overhead plan of a full run or of `--quick`. */
export function observabilityPlan(quick: boolean): ObservabilityPlan {
  return quick
    ? {
        rounds: 1,
        load: { connections: 8, inFlight: 16, durationMs: 750, warmupMs: 250 },
      }
    : {
        rounds: 3,
        load: {
          connections: 8,
          inFlight: 16,
          durationMs: 3_000,
          warmupMs: 1_000,
        },
      };
}

/**
 * Metrics and tracing overhead on W2 (issue 17): one acton-ts server per variant of
 * `OBSERVE_VARIANTS` (`BENCH_OBSERVE`), each driven by the same load client, rounds interleaved
 * across variants so that machine noise hits all alike; ratios are to `off` within this run.
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
    const runs = new Map<ObserveVariant, (ConcurrentResult & { serverCpuUsPerCall: number })[]>(
      OBSERVE_VARIANTS.map((v) => [v, []]),
    );
    for (let round = 0; round < plan.rounds; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const { variant, server, socketPath } of order) {
        progress.begin(`observability overhead · ${variant} · round ${round + 1}/${plan.rounds}`);
        const cpuBefore = await server.cpuMicroseconds();
        const result = await client.run<ConcurrentResult>(
          'concurrent',
          { socketPath, params: plan.load },
          120_000,
          (text) => progress.update(text),
        );
        const cpu = (await server.cpuMicroseconds()) - cpuBefore;
        runs.get(variant)!.push({
          ...result,
          serverCpuUsPerCall: cpu / Math.max(1, result.operations),
        });
      }
    }
    const variants = OBSERVE_VARIANTS.map((variant): VariantFigures => {
      const all = runs.get(variant)!;
      const median = [...all].sort((a, b) => a.callsPerSecond - b.callsPerSecond)[Math.floor((all.length - 1) / 2)];
      return {
        variant,
        callsPerSecond: median.callsPerSecond,
        p99Us: median.p99Us,
        serverCpuUsPerCall: median.serverCpuUsPerCall,
        rounds: all.map((r) => r.callsPerSecond),
        errors: all.reduce((sum, r) => sum + r.errors, 0),
      };
    });
    const off = variants[0];
    return {
      load: plan.load,
      variants,
      throughputRatio: Object.fromEntries(variants.map((v) => [v.variant, v.callsPerSecond / off.callsPerSecond])),
      cpuPerCallRatio: Object.fromEntries(
        variants.map((v) => [v.variant, v.serverCpuUsPerCall / off.serverCpuUsPerCall]),
      ),
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

/** The overhead as a markdown table (targets of issue 17: metrics ≤ 5 %, no-op tracing ≤ 3 %). */
export function observabilityTable(results: ObservabilityResults): string {
  const targets: Record<string, string> = {
    metrics: '≥ 0.95',
    'tracing-noop': '≥ 0.97',
  };
  const { connections, inFlight, durationMs } = results.load;
  const lines = [
    `W2 ${connections}×${inFlight} for ${durationMs / 1000} s, same run; ratios to the server with no observability:`,
    '',
    '| server | calls/s | p99 | server CPU/call | throughput ratio | CPU/call ratio | target |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...results.variants.map(
      (v) =>
        `| ${v.variant} | ${Math.round(v.callsPerSecond)} | ${(v.p99Us / 1000).toFixed(2)} ms | ` +
        `${v.serverCpuUsPerCall.toFixed(1)} µs | ${results.throughputRatio[v.variant].toFixed(3)} | ` +
        `${results.cpuPerCallRatio[v.variant].toFixed(3)} | ${targets[v.variant] ?? ''} |`,
    ),
  ];
  return lines.join('\n');
}
