/**
 * A short same-run A/B of one workload: acton-ts and the baseline started once each, then the
 * workload run against them in alternating rounds (who goes first alternates), printing per
 * round the headline rate, the ratio and each server's CPU time per operation (and p50 latency
 * where the workload measures it), then the medians. Every server first answers the full bench's
 * unmeasured warm-up (`serverWarmUp` of bench-plan.ts).
 * Meant for a loaded machine, where CPU per operation and same-run ratios are what stays steady.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/ab.ts <workload> [--rounds N] [--quick] \
 *     [--also <checkout>]
 *
 * Workloads as for bench/profile.ts: sequential, concurrent, concurrent-8, stream, fan-out.
 * `--also <checkout>` adds a third server: acton-ts as built from another checkout of the repo
 * (e.g. `git worktree add /tmp/old <commit>` with node_modules hard-linked in), so an earlier
 * commit and this one are measured in the same rounds, each against the same baseline.
 */
import { benchPlan, workloadOf } from './bench-plan';
import { BenchChild } from './child/bench-child';
import { Contender, flagValue, runServerComparison, warmUpServers } from './child/server-comparison';
import { median, spread } from './report/round-statistics';

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
  /** Median latency of the round, µs, when the workload reports one. */
  readonly p50Us?: number;
  readonly errors: number;
}

async function runOnce(client: BenchChild, contender: Contender, task: string, params: unknown, rateKey: string) {
  const { server, socketPath } = contender;
  const cpuBefore = await server.cpuMicroseconds();
  const result = (await client.run(task, { socketPath, params }, 120_000)) as Record<string, number>;
  const cpuUs = (await server.cpuMicroseconds()) - cpuBefore;
  const round: Round = {
    rate: result[rateKey],
    cpuUsPerOp: cpuUs / result.operations,
    p50Us: result.p50Us,
    errors: result.errors,
  };
  return round;
}

function roundText(label: string, round: Round): string {
  const p50 = round.p50Us === undefined ? '' : `, p50 ${round.p50Us.toFixed(1)} µs`;
  return `${label} ${round.rate.toFixed(0)}${p50}, ${round.cpuUsPerOp.toFixed(2)} µs CPU/op`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const rounds = Number(flagValue(args, '--rounds') ?? 3);
  const name = args.find((a, i) => !a.startsWith('--') && !['--rounds', '--also'].includes(args[i - 1])) ?? '';
  const { task, params } = workloadOf(name, quick);
  const rate = RATE_OF[name];
  const options = {
    tempPrefix: 'acton-ab-',
    listItems: benchPlan(quick).stream.items,
    also: flagValue(args, '--also'),
  };
  await runServerComparison(options, async (contenders, client) => {
    const base = contenders[1];
    const actons = contenders.filter((c) => c !== base);
    const measured = new Map<Contender, Round[]>(contenders.map((c) => [c, []]));
    const startRssKb = await Promise.all(contenders.map((c) => c.server.peakRssKilobytes()));
    // The full bench's warm-up, so that round 1 meets servers whose JIT has settled (bench-plan.ts).
    await warmUpServers(contenders, client, benchPlan(quick).serverWarmUp);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const c of order) measured.get(c)!.push(await runOnce(client, c, task, params, rate.key));
      const results = contenders.map((c) => measured.get(c)![round]);
      const errors = results.some((r) => r.errors) ? `; ERRORS ${results.map((r) => r.errors).join('/')}` : '';
      const ratios = actons.map((c) => `${c.label} ${(measured.get(c)![round].rate / results[1].rate).toFixed(2)}`);
      const texts = contenders.map((c, i) => roundText(c.label, results[i]));
      console.log(`round ${round + 1} (${rate.unit}): ${texts.join('; ')}; ratio ${ratios.join(', ')}${errors}`);
    }
    const baseRounds = measured.get(base)!;
    for (const c of actons) {
      const own = measured.get(c)!;
      const ratios = own.map((r, i) => r.rate / baseRounds[i].rate);
      const p50Ratios = own.map((r, i) => (r.p50Us ?? NaN) / (baseRounds[i].p50Us ?? NaN));
      const p50 =
        own[0].p50Us === undefined ? '' : `, p50 ratio ${median(p50Ratios).toFixed(2)} (${spread(p50Ratios)})`;
      console.log(
        `median ${c.label}: ratio ${median(ratios).toFixed(2)} (${spread(ratios)})${p50}, server CPU/op ` +
          `${median(own.map((r) => r.cpuUsPerOp)).toFixed(2)} µs, baseline ` +
          `${median(baseRounds.map((r) => r.cpuUsPerOp)).toFixed(2)} µs`,
      );
    }
    const peakRssKb = await Promise.all(contenders.map((c) => c.server.peakRssKilobytes()));
    const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;
    const rss = contenders.map((c, i) => `${c.label} ${mb(startRssKb[i])} → ${mb(peakRssKb[i])}`);
    console.log(`server RSS started → peak: ${rss.join(', ')}; peak ratio ${(peakRssKb[0] / peakRssKb[1]).toFixed(2)}`);
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
