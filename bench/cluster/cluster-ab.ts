/**
 * A focused, short A/B of the cluster hot path (W1 and W3 of `npm run bench -- --cluster`):
 * alternating rounds of acton-ts and the nats.js baseline in one run, each round measuring W1's
 * p50 and the CPU per call of both processes, the NATS messages per call each side's caller
 * connection sent and received, W3's items/s and CPU per item, and W4's deliveries/s. Prints the medians.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/cluster/cluster-ab.ts [rounds]
 *
 * `AB_PAUSE_MS=<ms>` waits that long after printing the processes' pids before measuring (time to
 * attach `strace -f -c -p <pid>`); `AB_ONLY=w1` skips W3 and W4; `AB_SIDE=acton` (or `baseline`) runs one
 * side only and prints its rounds (to count one side's system calls in the calling process).
 */
import 'reflect-metadata';
import { ownCpu, sequentialP50, Side, withBenchSides } from './cluster-bench';
import { median } from '../report/round-statistics';

const W1_CALLS = 400;
const W3_ITEMS = 8_000;
const W4_EVENTS = 1_000;

interface Round {
  p50: number;
  serverCpuPerCall: number;
  callerCpuPerCall: number;
  outPerCall: number;
  inPerCall: number;
  itemsPerSecond: number;
  serverCpuPerItem: number;
  callerCpuPerItem: number;
  /** W4: broadcast deliveries/s (one node broadcasts, 10 subscribers on the other). */
  deliveriesPerSecond: number;
}

async function round(side: Side, w3: boolean): Promise<Round> {
  await sequentialP50(side, 50);
  let server = await side.serverCpu();
  let caller = ownCpu();
  const before = side.messageCounts();
  const p50 = await sequentialP50(side, W1_CALLS);
  const after = side.messageCounts();
  const callerCpuPerCall = (ownCpu() - caller) / W1_CALLS;
  const serverCpuPerCall = ((await side.serverCpu()) - server) / W1_CALLS;
  const result: Round = {
    p50,
    serverCpuPerCall,
    callerCpuPerCall,
    outPerCall: (after.outMsgs - before.outMsgs) / W1_CALLS,
    inPerCall: (after.inMsgs - before.inMsgs) / W1_CALLS,
    itemsPerSecond: NaN,
    serverCpuPerItem: NaN,
    callerCpuPerItem: NaN,
    deliveriesPerSecond: NaN,
  };
  if (!w3) return result;
  server = await side.serverCpu();
  caller = ownCpu();
  const started = process.hrtime.bigint();
  await side.stream(W3_ITEMS);
  result.itemsPerSecond = W3_ITEMS / (Number(process.hrtime.bigint() - started) / 1e9);
  result.callerCpuPerItem = (ownCpu() - caller) / W3_ITEMS;
  result.serverCpuPerItem = ((await side.serverCpu()) - server) / W3_ITEMS;
  const fanOutStarted = process.hrtime.bigint();
  await side.fanOut(W4_EVENTS);
  result.deliveriesPerSecond = (W4_EVENTS * 10) / (Number(process.hrtime.bigint() - fanOutStarted) / 1e9);
  return result;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const w3 = process.env.AB_ONLY !== 'w1';
  const only = process.env.AB_SIDE;
  await withBenchSides(async ({ baseline, acton, baselineServer, actonServer }) => {
    console.log(
      `pids: caller ${process.pid}, acton server ${actonServer.child.pid}, baseline server ${baselineServer.child.pid}`,
    );
    const pause = Number(process.env.AB_PAUSE_MS ?? 0);
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    const ours: Round[] = [];
    const base: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0 && only !== 'acton') base.push(await round(baseline, w3));
      if (only !== 'baseline') ours.push(await round(acton, w3));
      if (i % 2 === 1 && only !== 'acton') base.push(await round(baseline, w3));
    }
    if (only) return console.log(JSON.stringify(only === 'acton' ? ours : base));
    console.log('| figure | acton-ts | baseline | ratio (median of rounds) |\n|---|---:|---:|---:|');
    for (const key of Object.keys(ours[0]!) as (keyof Round)[]) {
      const a = median(ours.map((r) => r[key]));
      const b = median(base.map((r) => r[key]));
      const ratio = median(ours.map((r, i) => r[key] / base[i]![key]));
      console.log(`| ${key} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${ratio.toFixed(2)}× |`);
    }
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
