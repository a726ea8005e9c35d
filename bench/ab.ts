/**
 * A short same-run A/B of one workload: acton-ts and the baseline started once each, then the
 * workload run against them in alternating rounds (who goes first alternates), printing per
 * round the headline rate, the ratio and each server's CPU time per operation, then the medians.
 * Meant for a loaded machine, where CPU per operation and same-run ratios are what stays steady.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/ab.ts <workload> [--rounds N] [--quick]
 *
 * Workloads as for bench/profile.ts: sequential, concurrent, concurrent-8, stream, fan-out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPlan, workloadOf } from './bench-plan';
import { buildBenchJs, removeBenchJs } from './child/bench-build';
import { BenchChild, REPO_ROOT } from './child/bench-child';
import { launchServer, ServerKind } from './child/server-launch';

/** The rate each workload is judged by (higher is better), and its unit. */
const RATE_OF: Record<string, { key: string; unit: string }> = {
  sequential: { key: 'callsPerSecond', unit: 'calls/s' },
  concurrent: { key: 'callsPerSecond', unit: 'calls/s' },
  'concurrent-8': { key: 'callsPerSecond', unit: 'calls/s' },
  stream: { key: 'itemsPerSecond', unit: 'items/s' },
  'fan-out': { key: 'eventsPerSecondTotal', unit: 'events/s' },
};

interface Round {
  readonly rate: number;
  readonly cpuUsPerOp: number;
  readonly errors: number;
}

async function runOnce(
  server: BenchChild,
  client: BenchChild,
  socketPath: string,
  task: string,
  params: unknown,
  rateKey: string,
): Promise<Round> {
  const cpuBefore = await server.cpuMicroseconds();
  const result = (await client.run(task, { socketPath, params }, 120_000)) as Record<string, number>;
  const cpuUs = (await server.cpuMicroseconds()) - cpuBefore;
  return { rate: result[rateKey], cpuUsPerOp: cpuUs / result.operations, errors: result.errors };
}

function cpuText(usPerOp: number): string {
  return `${usPerOp.toFixed(2)} µs CPU/op`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 3;
  const name = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds') ?? '';
  const { task, params } = workloadOf(name, quick);
  const rate = RATE_OF[name];
  const dir = mkdtempSync(join(tmpdir(), 'acton-ab-'));
  const jsRoot = buildBenchJs(REPO_ROOT);
  const kinds: ServerKind[] = ['acton-ts', 'baseline'];
  const servers = kinds.map((kind) => ({ kind, ...launchServer(kind, jsRoot, dir, benchPlan(quick).stream.items) }));
  const client = new BenchChild('load client', jsRoot, 'bench/client/load-client.ts');
  const ratios: number[] = [];
  const cpu: Record<string, number[]> = { 'acton-ts': [], baseline: [] };
  try {
    await Promise.all([...servers.map((s) => s.server.ready()), client.ready()]);
    const startRssKb = await Promise.all(servers.map((s) => s.server.peakRssKilobytes()));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      const results: Partial<Record<ServerKind, Round>> = {};
      for (const s of order) results[s.kind] = await runOnce(s.server, client, s.socketPath, task, params, rate.key);
      const acton = results['acton-ts']!;
      const base = results.baseline!;
      ratios.push(acton.rate / base.rate);
      cpu['acton-ts'].push(acton.cpuUsPerOp);
      cpu.baseline.push(base.cpuUsPerOp);
      const errors = acton.errors || base.errors ? `; ERRORS ${acton.errors}/${base.errors}` : '';
      console.log(
        `round ${round + 1}: acton-ts ${acton.rate.toFixed(0)} ${rate.unit}, ${cpuText(acton.cpuUsPerOp)}; ` +
          `baseline ${base.rate.toFixed(0)}, ${cpuText(base.cpuUsPerOp)}; ` +
          `ratio ${(acton.rate / base.rate).toFixed(2)}${errors}`,
      );
    }
    const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
    console.log(
      `median: ratio ${median(ratios).toFixed(2)} (${range}), server CPU/op ` +
        `acton-ts ${median(cpu['acton-ts']).toFixed(2)} µs, baseline ${median(cpu.baseline).toFixed(2)} µs`,
    );
    const peakRssKb = await Promise.all(servers.map((s) => s.server.peakRssKilobytes()));
    const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;
    console.log(
      `server RSS started → peak: acton-ts ${mb(startRssKb[0])} → ${mb(peakRssKb[0])}, ` +
        `baseline ${mb(startRssKb[1])} → ${mb(peakRssKb[1])}; peak ratio ${(peakRssKb[0] / peakRssKb[1]).toFixed(2)}`,
    );
  } finally {
    await Promise.all([client.stop(), ...servers.map((s) => s.server.stop())]);
    rmSync(dir, { recursive: true, force: true });
    removeBenchJs(jsRoot);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
