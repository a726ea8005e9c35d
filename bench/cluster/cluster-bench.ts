/**
 * `npm run bench -- --cluster`: cross-node workloads through a local nats-server, acton-ts
 * (caller app on this process, `BenchCalcActor` in a child process) against a framework-free
 * nats.js baseline in the same run. Short by design (about a minute); also part of the full run.
 *
 * - W1: sequential asks, p50 latency; W2: concurrent asks, 1 connection × 64 in flight and
 *   8 connections × 16; W3: one stream, items/s; W4: one node broadcasts, 10 subscribers on the
 *   other, deliveries/s.
 * - Both sides first answer the same unmeasured warm-up calls; then three rounds per side,
 *   alternating who goes first. Each side's median is reported, and the median of the same-round
 *   ratios to the baseline with their range (higher is better, except W1 where lower is better).
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ActonApp, bootstrap, Module } from 'acton-ts';
import { ClusterModule } from 'acton-ts/cluster';
import { startNatsServer } from '../../test/cluster/support/nats-server';
import { BenchAdd, BenchBroadcast, BenchStream, BenchTick } from './cluster-bench-actors';
import { median } from '../report/round-statistics';

/** One workload's figure for both sides. */
export interface ClusterFigure {
  readonly workload: string;
  readonly unit: string;
  readonly acton: number;
  readonly baseline: number;
  /** acton / baseline: the median of the same-round ratios. */
  readonly ratio: number;
  /** The lowest and highest same-round ratio. */
  readonly ratioMin: number;
  readonly ratioMax: number;
  readonly target: string;
}

/** CPU time per call (µs), W2 (both shapes together), for both sides. */
export interface CpuFigure {
  readonly acton: number;
  readonly baseline: number;
}

/**
 * CPU per W2 call of the serving node's process and of the calling process (this one), and per W3
 * stream item of each (steadier than items/s on a loaded machine).
 */
export interface W2Cpu {
  readonly server: CpuFigure;
  readonly caller: CpuFigure;
  readonly streamServer: CpuFigure;
  readonly streamCaller: CpuFigure;
}

/** This process's CPU time so far (µs, user + system). */
export function ownCpu(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** A serving node's process: reads its CPU time (µs, user + system) on request. */
export interface ServingNode {
  readonly child: ChildProcess;
  cpu(): Promise<number>;
}

/** The calls one side answers; both sides implement it, so the workloads are the same code. */
export interface Side {
  add(caller: number, a: number, b: number): Promise<number>;
  stream(n: number): Promise<number>;
  /** Triggers `n` broadcasts on the serving node; resolves when all 10 subscribers got all of them. */
  fanOut(n: number): Promise<void>;
  /** Opens callers 1–7 (W2 8×16 only: each is a cluster node / a NATS connection of its own). */
  openExtraCallers(): Promise<void>;
  /** Closes them again, so W3 and W4 measure one receiving node / connection. */
  closeExtraCallers(): Promise<void>;
  close(): Promise<void>;
  /** The serving node's CPU time so far (µs). */
  serverCpu(): Promise<number>;
  /** NATS messages the first caller's connection received and sent so far (`cluster-ab.ts`). */
  messageCounts(): MessageCounts;
}

/** Messages in and out of one NATS connection (nats.js `stats()`). */
export interface MessageCounts {
  readonly inMsgs: number;
  readonly outMsgs: number;
}

const ROOT = join(__dirname, '..', '..');
const SUBSCRIBERS = 10;

/** Starts the serving node (`cluster-bench-node.ts`) of one side as a child process; resolves when it serves. */
async function startServer(mode: 'acton' | 'baseline', url: string): Promise<ServingNode> {
  const child = spawn(
    process.execPath,
    [
      // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the serving node (cluster-ab.ts)
      ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(__dirname, 'cluster-bench-node.ts'),
      mode,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ACTON_NATS_URL: url, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const cpuWaiters: ((micros: number) => void)[] = [];
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes('READY')) resolve();
      for (const match of text.matchAll(/CPU (\d+)/g)) cpuWaiters.shift()?.(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench ${mode} node exited with ${code}`)));
  });
  return {
    child,
    cpu: () =>
      new Promise<number>((resolve) => {
        cpuWaiters.push(resolve);
        child.stdin!.write('cpu\n');
      }),
  };
}

/** The acton-ts side: caller apps (cluster nodes) in this process, `BenchCalcActor` on `server`. */
async function actonSide(url: string, server: ServingNode): Promise<Side> {
  const apps: ActonApp[] = [];
  let started = 0;
  const open = async (): Promise<ActonApp> => {
    @Module({ imports: [ClusterModule.forRoot({ servers: url, cluster: 'bench', nodeId: `caller${started++}` })] })
    class CallerModule {}
    const app = await bootstrap(CallerModule, {
      logger: { debug() {}, info() {}, warn: console.warn, error: console.error },
    });
    while (!app.cluster!.nodes().some((node) => node.nodeId === 'server'))
      await new Promise((resolve) => setTimeout(resolve, 20));
    apps.push(app);
    return app;
  };
  const first = await open();
  return {
    add: async (caller, a, b) =>
      (await apps[caller]!.ask<{ sum: number }>('bench_calc', Object.assign(new BenchAdd(), { a, b }))).sum,
    stream: async (n) => {
      let count = 0;
      const request = Object.assign(new BenchStream(), { n });
      await new Promise<void>((resolve, reject) =>
        first.stream('bench_calc', request).subscribe({ next: () => count++, complete: resolve, error: reject }),
      );
      if (count !== n) throw new Error(`W3: ${count} of ${n} items`);
      return count;
    },
    fanOut: async (n) => {
      let received = 0;
      const done = new Promise<void>((resolve) => {
        const subscriptions = Array.from({ length: SUBSCRIBERS }, () =>
          first.broker.messages(BenchTick).subscribe(() => {
            if (++received === n * SUBSCRIBERS) {
              for (const subscription of subscriptions) subscription.unsubscribe();
              resolve();
            }
          }),
        );
      });
      await first.ask('bench_calc', Object.assign(new BenchBroadcast(), { n }));
      await done;
    },
    openExtraCallers: async () => {
      while (apps.length < 8) await open();
    },
    closeExtraCallers: async () => {
      await Promise.all(apps.splice(1).map((app) => app.close()));
    },
    close: async () => {
      await Promise.all(apps.map((app) => app.close()));
    },
    serverCpu: () => server.cpu(),
    // The node's connection is private: the bench reads its nats.js counters all the same.
    messageCounts: () => (first.cluster as unknown as { link: { stats(): MessageCounts } }).link.stats(),
  };
}

/** The nats.js side: plain connections in this process, the baseline serving node on `server`. */
async function baselineSide(url: string, server: ServingNode): Promise<Side> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { connect } = require('@nats-io/transport-node');
  const connections = [await connect({ servers: url })];
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const first = connections[0];
  return {
    add: async (caller, a, b) => {
      const reply = await connections[caller].request('base.add', encoder.encode(JSON.stringify({ a, b })), {
        timeout: 30_000,
      });
      return (JSON.parse(decoder.decode(reply.data)) as { sum: number }).sum;
    },
    stream: async (n) => {
      const inbox = `_INBOX.stream.${Math.random().toString(36).slice(2)}`;
      let count = 0;
      const done = new Promise<void>((resolve) => {
        const subscription = first.subscribe(inbox, {
          callback: (_err: unknown, msg: { data: Uint8Array }) => {
            if (msg.data.length === 0) {
              subscription.unsubscribe();
              return resolve();
            }
            JSON.parse(decoder.decode(msg.data));
            count++;
          },
        });
      });
      first.publish('base.stream', encoder.encode(JSON.stringify({ n })), { reply: inbox });
      await done;
      return count;
    },
    fanOut: async (n) => {
      let received = 0;
      const done = new Promise<void>((resolve) => {
        const subscriptions: { unsubscribe(): void }[] = [];
        for (let i = 0; i < SUBSCRIBERS; i++) {
          subscriptions.push(
            first.subscribe('base.tick', {
              callback: (_err: unknown, msg: { data: Uint8Array }) => {
                JSON.parse(decoder.decode(msg.data));
                if (++received === n * SUBSCRIBERS) {
                  for (const subscription of subscriptions) subscription.unsubscribe();
                  resolve();
                }
              },
            }),
          );
        }
      });
      await first.flush();
      await first.request('base.broadcast', encoder.encode(JSON.stringify({ n })), { timeout: 30_000 });
      await done;
    },
    openExtraCallers: async () => {
      while (connections.length < 8) connections.push(await connect({ servers: url }));
    },
    closeExtraCallers: async () => {
      await Promise.all(connections.splice(1).map((connection: { close(): Promise<void> }) => connection.close()));
    },
    close: async () => {
      await Promise.all(connections.map((connection: { close(): Promise<void> }) => connection.close()));
    },
    serverCpu: () => server.cpu(),
    messageCounts: () => first.stats(),
  };
}

/** W1: `count` sequential calls through caller 0; their median latency (µs). */
export async function sequentialP50(side: Side, count: number): Promise<number> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    if ((await side.add(0, i, 1)) !== i + 1) throw new Error('W1: wrong sum');
    latencies.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  latencies.sort((x, y) => x - y);
  return latencies[Math.floor(latencies.length / 2)]!;
}

async function concurrentRate(side: Side, callers: number, inFlight: number, total: number): Promise<number> {
  const started = Date.now();
  const perLane = Math.ceil(total / (callers * inFlight));
  const lanes = Array.from({ length: callers * inFlight }, async (_, lane) => {
    for (let i = 0; i < perLane; i++)
      if ((await side.add(lane % callers, lane, i)) !== lane + i) throw new Error('W2: wrong sum');
  });
  await Promise.all(lanes);
  return (perLane * callers * inFlight) / ((Date.now() - started) / 1000);
}

async function timedRate(work: () => Promise<unknown>, items: number): Promise<number> {
  const started = Date.now();
  await work();
  return items / ((Date.now() - started) / 1000);
}

/** Sequential calls each side answers, unmeasured, before its first round (JIT warm-up on both ends). */
const WARM_UP_CALLS = 5_000;

async function measure(side: Side, quick: boolean): Promise<number[]> {
  const scale = quick ? 0.2 : 0.6;
  await sequentialP50(side, 200); // this round's own warm-up: connections and caches
  const w1 = await sequentialP50(side, Math.round(2000 * scale));
  const calls = Math.round(20_000 * scale);
  let cpu = await side.serverCpu();
  let callerCpu = ownCpu();
  const w2a = await concurrentRate(side, 1, 64, calls);
  let callerUsed = ownCpu() - callerCpu;
  let cpuUsed = (await side.serverCpu()) - cpu;
  await side.openExtraCallers();
  cpu = await side.serverCpu();
  callerCpu = ownCpu();
  const w2b = await concurrentRate(side, 8, 16, calls);
  callerUsed += ownCpu() - callerCpu;
  cpuUsed += (await side.serverCpu()) - cpu;
  const cpuPerCall = cpuUsed / (2 * calls);
  const callerCpuPerCall = callerUsed / (2 * calls);
  await side.closeExtraCallers();
  const items = Math.round(40_000 * scale);
  cpu = await side.serverCpu();
  callerCpu = ownCpu();
  const w3 = await timedRate(() => side.stream(items), items);
  const callerCpuPerItem = (ownCpu() - callerCpu) / items;
  const cpuPerItem = ((await side.serverCpu()) - cpu) / items;
  const events = Math.round(5_000 * scale);
  const w4 = await timedRate(() => side.fanOut(events), events * SUBSCRIBERS);
  return [w1, w2a, w2b, w3, w4, cpuPerCall, callerCpuPerCall, cpuPerItem, callerCpuPerItem];
}

/** Both sides of one run: their serving nodes running, their callers connected. */
export interface BenchSides {
  readonly baseline: Side;
  readonly acton: Side;
  readonly baselineServer: ServingNode;
  readonly actonServer: ServingNode;
}

/**
 * Starts a nats-server, both serving nodes and both sides' callers, runs `work`, and stops it all
 * again (the serving nodes exit before NATS stops: a profiled node writes its profile at exit).
 */
export async function withBenchSides<T>(work: (sides: BenchSides) => Promise<T>): Promise<T> {
  const nats = await startNatsServer();
  const children: ChildProcess[] = [];
  try {
    const baselineServer = await startServer('baseline', nats.url);
    children.push(baselineServer.child);
    const actonServer = await startServer('acton', nats.url);
    children.push(actonServer.child);
    const baseline = await baselineSide(nats.url, baselineServer);
    const acton = await actonSide(nats.url, actonServer);
    const result = await work({ baseline, acton, baselineServer, actonServer });
    await baseline.close();
    await acton.close();
    return result;
  } finally {
    const exited = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await nats.stop();
  }
}

/** Rounds per side, alternating who goes first; each figure is the median of the same-round ratios. */
const ROUNDS = 3;

/**
 * Runs both sides `ROUNDS` times, alternating who goes first, after an equal unmeasured warm-up of
 * each; returns the figures (each side's median, the median of the same-round ratios and their
 * range) and the CPU per W2 call and W3 item.
 * @param progress told each step as it begins (the whole run takes about a minute)
 */
export async function runClusterBench(
  quick: boolean,
  progress: (step: string) => void = () => {},
): Promise<{ figures: ClusterFigure[]; cpu: W2Cpu }> {
  const rounds = await withBenchSides(async ({ baseline, acton }) => {
    const sides = { baseline, acton } as const;
    for (const name of ['baseline', 'acton'] as const) {
      progress(`cluster warm-up · ${name} · ${WARM_UP_CALLS} calls`);
      await sequentialP50(sides[name], quick ? WARM_UP_CALLS / 5 : WARM_UP_CALLS);
    }
    const sets = { base: [] as number[][], ours: [] as number[][] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['baseline', 'acton'] as const) : (['acton', 'baseline'] as const);
      for (const name of order) {
        progress(`cluster W1–W4 · ${name} · round ${round + 1}/${ROUNDS}`);
        (name === 'acton' ? sets.ours : sets.base).push(await measure(sides[name], quick));
      }
    }
    return sets;
  });
  const ofMetric = (sets: number[][], i: number): number[] => sets.map((set) => set[i]!);
  const rows: [string, string, string][] = [
    ['W1 sequential ask p50', 'µs', '≤ 1.25×'],
    ['W2 concurrent asks 1×64', 'calls/s', '≥ 1.10×'],
    ['W2 concurrent asks 8×16', 'calls/s', '≥ 1.10×'],
    ['W3 stream', 'items/s', '≥ 0.70×'],
    ['W4 broadcast fan-out to 10', 'deliveries/s', '≥ 0.70×'],
  ];
  const figures = rows.map(([workload, unit, target], i) => {
    const ratios = ofMetric(rounds.ours, i).map((ours, round) => ours / rounds.base[round]![i]!);
    return {
      workload,
      unit,
      target,
      acton: median(ofMetric(rounds.ours, i)),
      baseline: median(ofMetric(rounds.base, i)),
      ratio: median(ratios),
      ratioMin: Math.min(...ratios),
      ratioMax: Math.max(...ratios),
    };
  });
  const cpuFigure = (i: number): CpuFigure => ({
    acton: median(ofMetric(rounds.ours, rows.length + i)),
    baseline: median(ofMetric(rounds.base, rows.length + i)),
  });
  const cpu: W2Cpu = {
    server: cpuFigure(0),
    caller: cpuFigure(1),
    streamServer: cpuFigure(2),
    streamCaller: cpuFigure(3),
  };
  return { figures, cpu };
}

/** The figures as a markdown table, then the CPU per W2 call and per W3 item of the serving node and the callers. */
export function clusterTable({ figures, cpu }: Awaited<ReturnType<typeof runClusterBench>>): string {
  const lines = [
    `| workload | acton-ts | nats.js baseline | ratio (median of ${ROUNDS} rounds) | min–max | target |`,
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const f of figures)
    lines.push(
      `| ${f.workload} (${f.unit}) | ${f.acton.toFixed(0)} | ${f.baseline.toFixed(0)} | ` +
        `${f.ratio.toFixed(2)}× | ${f.ratioMin.toFixed(2)}–${f.ratioMax.toFixed(2)} | ${f.target} |`,
    );
  const line = (who: string, { acton, baseline }: CpuFigure, per = 'W2 call'): string =>
    `${who} CPU per ${per}: acton-ts ${acton.toFixed(1)} µs, nats.js baseline ${baseline.toFixed(1)} µs ` +
    `(${(acton / baseline).toFixed(2)}×)`;
  lines.push('', line('Serving node', cpu.server), line('Calling process (all callers)', cpu.caller));
  lines.push(line('Serving node', cpu.streamServer, 'W3 item'), line('Calling process', cpu.streamCaller, 'W3 item'));
  return lines.join('\n');
}
