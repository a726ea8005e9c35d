/**
 * What one server's garbage collector does per workload: the server runs under
 * `--trace-gc --trace-gc-nvp`, the load client runs the full bench's warm-up and then the given
 * workloads in order, and per workload this prints the server's scavenges and full GCs, the bytes
 * that survived each scavenge (objects still reachable: they grow the young generation) and the
 * bytes promoted to the old generation, with its heap spaces and peak RSS afterwards. Which
 * workload makes objects outlive a scavenge, and how much old space it fills.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/gc-trace.ts <acton-ts|baseline> <workload>...
 *
 * Workloads as for bench/profile.ts (sequential, concurrent, concurrent-8, stream, fan-out); the
 * same one may be given several times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPlan, workloadOf } from './bench-plan';
import { buildBenchJs, removeBenchJs } from './child/bench-build';
import { BenchChild, REPO_ROOT } from './child/bench-child';
import { launchServer, ServerKind } from './child/server-launch';

/** One workload's collections, summed from the `--trace-gc-nvp` lines printed while it ran. */
interface GcTally {
  scavenges: number;
  fullGcs: number;
  survivedBytes: number;
  promotedBytes: number;
}

/** Adds one `--trace-gc-nvp` line (`… gc=s … promoted=N new_space_survived=N …`) to `tally`. */
function countGcLine(line: string, tally: GcTally): void {
  const kind = /\bgc=(\w+)/.exec(line)?.[1];
  if (kind === undefined) return;
  if (kind !== 's') {
    tally.fullGcs++;
    return;
  }
  tally.scavenges++;
  tally.survivedBytes += Number(/\bnew_space_survived=(\d+)/.exec(line)?.[1] ?? 0);
  tally.promotedBytes += Number(/\bpromoted=(\d+)/.exec(line)?.[1] ?? 0);
}

async function main(): Promise<void> {
  const [kind, ...steps] = process.argv.slice(2);
  if ((kind !== 'acton-ts' && kind !== 'baseline') || steps.length === 0)
    throw new Error('usage: bench/gc-trace.ts <acton-ts|baseline> <workload>...');
  const dir = mkdtempSync(join(tmpdir(), 'acton-gc-trace-'));
  const jsRoot = buildBenchJs(REPO_ROOT);
  const plan = benchPlan(false);
  const traced = ['--trace-gc', '--trace-gc-nvp'];
  const { server, socketPath } = launchServer(kind as ServerKind, jsRoot, dir, plan.stream.items, traced);
  let tally: GcTally = { scavenges: 0, fullGcs: 0, survivedBytes: 0, promotedBytes: 0 };
  let partial = '';
  server.onOutput((chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) countGcLine(line, tally);
  });
  const client = new BenchChild('load client', jsRoot, 'bench/client/load-client.ts');
  const mb = (bytes: number): string => (bytes / 1_048_576).toFixed(2);
  try {
    await Promise.all([server.ready(), client.ready()]);
    await client.run('sequential', { socketPath, params: plan.serverWarmUp }, 120_000);
    for (const step of steps) {
      const { task, params } = workloadOf(step, false);
      tally = { scavenges: 0, fullGcs: 0, survivedBytes: 0, promotedBytes: 0 };
      await client.run(task, { socketPath, params }, 120_000);
      const memory = await server.memoryUsage();
      const spaces = memory.spacesMb;
      const perScavenge = (bytes: number): string => mb(bytes / Math.max(1, tally.scavenges));
      console.log(
        `${step.padEnd(13)} scavenges ${tally.scavenges}, full GCs ${tally.fullGcs}; per scavenge survived ` +
          `${perScavenge(tally.survivedBytes)} MB, promoted ${perScavenge(tally.promotedBytes)} MB; new space ` +
          `${spaces.new_space.toFixed(1)} MB, old ${spaces.old_space.toFixed(1)} MB, external ${mb(memory.external)} MB; ` +
          `peak RSS ${((await server.peakRssKilobytes()) / 1024).toFixed(1)} MB`,
      );
    }
  } finally {
    await Promise.all([client.stop(), server.stop()]);
    rmSync(dir, { recursive: true, force: true });
    removeBenchJs(jsRoot);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
