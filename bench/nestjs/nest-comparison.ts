import { join } from 'node:path';
import { BenchChild } from '../child/bench-child';
import { ConcurrentParams, ConcurrentResult } from '../client/concurrent.workload';
import { ProgressLine } from '../report/progress-line';

/** What the Nest comparison measures: W2 with these shapes, `rounds` times per transport. */
export interface NestComparisonParams {
  readonly rounds: number;
  readonly shapes: readonly ConcurrentParams[];
}

/** One W2 shape through both Nest transports (median rounds) and their ratio. */
export interface NestComparisonRow {
  readonly actonTransport: ConcurrentResult;
  readonly nestTcp: ConcurrentResult;
  /** ActonTransport calls/s ÷ Nest TCP calls/s (target ≥ 2). */
  readonly ratio: number;
}

/** Longest one workload may take, ms. */
const WORKLOAD_TIMEOUT_MS = 120_000;

/**
 * W2 through the same Nest handler on `ActonTransport` (Unix socket, acton wire, the bench's
 * own `concurrent` workload) and on Nest's TCP transport (loopback, Nest's JSON wire, the
 * `nest-tcp-concurrent` workload), in one run: both servers and one load client are child
 * processes; rounds alternate who goes first; the median round per transport is kept.
 * Every child is stopped by its own pid before this returns.
 */
export async function runNestComparison(
  params: NestComparisonParams,
  jsRoot: string,
  dir: string,
  progress: ProgressLine,
): Promise<NestComparisonRow[]> {
  progress.begin('Nest: starting ActonTransport and Nest TCP servers');
  const server = (transport: 'acton' | 'tcp'): BenchChild =>
    new BenchChild(`Nest ${transport} server`, jsRoot, 'bench/nestjs/nest-server.ts', {
      NEST_BENCH_TRANSPORT: transport,
      BENCH_SOCKET: join(dir, 'nest-acton.sock'),
    });
  const servers = [server('acton'), server('tcp')];
  const client = new BenchChild('load client (Nest)', jsRoot, 'bench/client/load-client.ts');
  const children = [...servers, client];
  try {
    const [actonAddress, tcpAddress] = await Promise.all(servers.map((s) => s.ready()));
    await client.ready();
    const contenders = [
      { name: 'ActonTransport', task: 'concurrent', address: actonAddress!, server: servers[0] },
      { name: 'Nest TCP', task: 'nest-tcp-concurrent', address: tcpAddress!, server: servers[1] },
    ];
    const rows: NestComparisonRow[] = [];
    for (const shape of params.shapes) {
      const runs = new Map<string, ConcurrentResult[]>(contenders.map((c) => [c.name, []]));
      for (let round = 0; round < params.rounds; round++) {
        const order = round % 2 === 0 ? contenders : [...contenders].reverse();
        for (const c of order) {
          progress.begin(
            `Nest W2 ${shape.connections}×${shape.inFlight} · ${c.name} · round ${round + 1}/${params.rounds}`,
          );
          const cpuBefore = await c.server.cpuMicroseconds();
          const result = await client.run<ConcurrentResult>(
            c.task,
            { socketPath: c.address, params: shape },
            WORKLOAD_TIMEOUT_MS,
            (text) => progress.update(text),
          );
          const serverCpuUs = (await c.server.cpuMicroseconds()) - cpuBefore;
          runs.get(c.name)!.push({ ...result, serverCpuUsPerOp: serverCpuUs / Math.max(1, result.operations) });
        }
      }
      const actonTransport = median(runs.get('ActonTransport')!);
      const nestTcp = median(runs.get('Nest TCP')!);
      rows.push({
        actonTransport,
        nestTcp,
        ratio: actonTransport.callsPerSecond / Math.max(1, nestTcp.callsPerSecond),
      });
    }
    return rows;
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

/** Markdown lines for the report: one row per W2 shape. */
export function nestComparisonTable(rows: readonly NestComparisonRow[]): string {
  const lines = [
    '| Nest W2 (same handler) | ActonTransport | Nest TCP | ratio | target |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const { actonTransport: a, nestTcp: t, ratio } of rows) {
    const shape = `${a.connections}×${a.inFlight}`;
    lines.push(
      `| ${shape}: calls/s | ${Math.round(a.callsPerSecond)} | ${Math.round(t.callsPerSecond)} | ` +
        `${ratio.toFixed(2)}× | ≥ 2× ${ratio >= 2 ? '✅' : '❌'} |`,
    );
    const [cpuA, cpuT] = [a.serverCpuUsPerOp ?? 0, t.serverCpuUsPerOp ?? 0];
    lines.push(
      `| ${shape}: server CPU per call | ${cpuA.toFixed(1)} µs | ${cpuT.toFixed(1)} µs | ` +
        `${(cpuT / Math.max(0.001, cpuA)).toFixed(2)}× less |  |`,
    );
  }
  return lines.join('\n');
}

function median(results: readonly ConcurrentResult[]): ConcurrentResult {
  const sorted = [...results].sort((a, b) => a.callsPerSecond - b.callsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
