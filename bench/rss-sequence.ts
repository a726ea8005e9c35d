/**
 * Peak server RSS over the full bench's W1–W4 sequence, per workload: acton-ts and the baseline
 * (and, with `--also <checkout>`, acton-ts built from another checkout) each run the unmeasured
 * warm-up, then W1, both W2 shapes, W3 and W4 `--rounds` times (who goes first alternates), and
 * each server's peak RSS (`getrusage` maxRSS) is printed after every step: which workload raises it,
 * with its RSS now and what it is made of (V8 heap used/total and per space, V8's malloc'd memory,
 * resident memory per kind of mapping, external memory).
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/rss-sequence.ts [--rounds N] [--also <checkout>]
 */
import { benchPlan, workloadOf } from './bench-plan';
import { MemoryReport } from './child/child-messages';
import { flagValue, runServerComparison, warmUpServers } from './child/server-comparison';

const STEPS = ['sequential', 'concurrent', 'concurrent-8', 'stream', 'fan-out'];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rounds = Number(flagValue(args, '--rounds') ?? 3);
  const plan = benchPlan(false);
  const options = { tempPrefix: 'acton-rss-', listItems: plan.stream.items, also: flagValue(args, '--also') };
  await runServerComparison(options, async (contenders, client) => {
    const mb = (kb: number): string => (kb / 1024).toFixed(1);
    const report = async (step: string): Promise<void> => {
      const peaks = await Promise.all(contenders.map((c) => c.server.peakRssKilobytes()));
      const usage = await Promise.all(contenders.map((c) => c.server.memoryUsage()));
      const parts = contenders.map((c, i) => {
        const u = usage[i];
        const heap = `heap ${mb(u.heapUsed / 1024)}/${mb(u.heapTotal / 1024)}${spacesText(u)}, external ${mb(u.external / 1024)}`;
        return `${c.label} ${mb(peaks[i])} (now ${mb(u.rss / 1024)}: ${heap})`;
      });
      console.log(`${step.padEnd(16)} ${parts.join(', ')} MB`);
    };
    await report('started');
    await warmUpServers(contenders, client, plan.serverWarmUp);
    await report('warm-up');
    for (const step of STEPS) {
      const { task, params } = workloadOf(step, false);
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? contenders : [...contenders].reverse();
        for (const c of order) await client.run(task, { socketPath: c.socketPath, params }, 120_000);
      }
      await report(step);
    }
  });
}

/**
 * ` [new … old … code … lo … malloc now/peak; resident file … brk … anon …]`, or nothing from a
 * server built before its bench child reported them (an `--also` checkout).
 */
function spacesText(u: Partial<MemoryReport>): string {
  const s = u.spacesMb;
  const r = u.residentMb;
  if (!s || !r) return '';
  const lo = s.large_object_space + s.code_large_object_space;
  return (
    ` [new ${s.new_space.toFixed(1)} old ${s.old_space.toFixed(1)} code ${s.code_space.toFixed(1)} lo ${lo.toFixed(1)} ` +
    `malloc ${u.mallocedMb!.toFixed(1)}/${u.peakMallocedMb!.toFixed(1)}; ` +
    `resident file ${r.file.toFixed(1)} brk ${r.brk.toFixed(1)} anon ${r.anonymous.toFixed(1)}]`
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
