import { join } from 'node:path';
import { BenchChild } from '../child/bench-child';
import { ConcurrentParams, ConcurrentResult } from '../client/concurrent.workload';
import { ProgressLine } from '../report/progress-line';

/** What the Nest comparison measures: W2 with these shapes, `rounds` times per transport. */
export interface NestComparisonParams {
  readonly rounds: number;
  readonly shapes: readonly ConcurrentParams[];
}

/** Options of one comparison run beyond its parameters (`npm run bench:nest` flags). */
export interface NestComparisonOptions {
  /**
   * A second ActonTransport server measured in the same rounds: the bench JavaScript of another
   * checkout (`buildBenchJs(<checkout>)`), e.g. main, for an A/B of the transport itself.
   */
  readonly also?: { readonly label: string; readonly jsRoot: string };
  /** Extra node flags for this checkout's ActonTransport server, e.g. `--cpu-prof`. */
  readonly actonNodeOptions?: readonly string[];
}

/** One W2 round of one Nest server, with the CPU time both processes spent on it. */
export interface NestW2Result extends ConcurrentResult {
  /** Load client CPU time per call, µs: the two wires' clients differ, so the report shows it. */
  readonly clientCpuUsPerOp: number;
}

/** A further ActonTransport (another checkout) against the same Nest TCP rounds. */
export interface NestComparisonExtra {
  readonly label: string;
  readonly result: NestW2Result;
  /** Median over the rounds of its calls/s ÷ Nest TCP's calls/s in the same round. */
  readonly ratio: number;
}

/** One W2 shape through both Nest transports (median rounds) and their ratio. */
export interface NestComparisonRow {
  readonly actonTransport: NestW2Result;
  readonly nestTcp: NestW2Result;
  /**
   * ActonTransport calls/s ÷ Nest TCP calls/s (target ≥ 2): the median over the rounds of the
   * two servers' ratio in the same round (paired, so a busy spell of the machine hits both).
   */
  readonly ratio: number;
  /** Each round's ratio, for the spread. */
  readonly roundRatios: readonly number[];
  readonly also?: NestComparisonExtra;
}

/** Longest one workload may take, ms. */
const WORKLOAD_TIMEOUT_MS = 120_000;

/** One server of the comparison. */
interface Contender {
  readonly name: string;
  /** The load client's task: the acton wire's `concurrent` or `nest-tcp-concurrent`. */
  readonly task: string;
  readonly server: BenchChild;
  address?: string;
}

/**
 * W2 through the same Nest handler on `ActonTransport` (Unix socket, acton wire, the bench's
 * own `concurrent` workload) and on Nest's TCP transport (loopback, Nest's JSON wire, the
 * `nest-tcp-concurrent` workload), in one run: the servers and one load client are child
 * processes. Both wires' clients run the same closed loop (`runClosedLoop`) with the same shape,
 * and both cork the requests they send in reaction to one read. Every server first gets one
 * unmeasured warm-up run (JIT, pools); then rounds alternate who goes first; per transport the
 * median round is kept (CPU figures: their own medians), and the ratio is the median of the
 * same-round ratios. Every child is stopped by its own pid before this returns.
 */
export async function runNestComparison(
  params: NestComparisonParams,
  jsRoot: string,
  dir: string,
  progress: ProgressLine,
  options: NestComparisonOptions = {},
): Promise<NestComparisonRow[]> {
  progress.begin('Nest: starting ActonTransport and Nest TCP servers');
  const server = (
    transport: 'acton' | 'tcp',
    root = jsRoot,
    name: string = transport,
    nodeOptions?: readonly string[],
  ) =>
    new BenchChild(
      `Nest ${name} server`,
      root,
      'bench/nestjs/nest-server.ts',
      { NEST_BENCH_TRANSPORT: transport, BENCH_SOCKET: join(dir, `nest-${name}.sock`) },
      nodeOptions,
    );
  const contenders: Contender[] = [
    { name: 'ActonTransport', task: 'concurrent', server: server('acton', jsRoot, 'acton', options.actonNodeOptions) },
    { name: 'Nest TCP', task: 'nest-tcp-concurrent', server: server('tcp') },
  ];
  const also = options.also;
  if (also) {
    const name = `ActonTransport@${also.label}`;
    contenders.push({ name, task: 'concurrent', server: server('acton', also.jsRoot, `acton-${also.label}`) });
  }
  const client = new BenchChild('load client (Nest)', jsRoot, 'bench/client/load-client.ts');
  try {
    const addresses = await Promise.all(contenders.map((c) => c.server.ready()));
    contenders.forEach((c, i) => (c.address = addresses[i]));
    await client.ready();
    const rows: NestComparisonRow[] = [];
    for (const shape of params.shapes) {
      const label = `Nest W2 ${shape.connections}×${shape.inFlight}`;
      const warmUp = { ...shape, warmupMs: 0, durationMs: shape.warmupMs };
      for (const c of contenders) {
        progress.begin(`${label} · ${c.name} · warm-up`);
        await runRound(client, c, warmUp, progress);
      }
      const runs = new Map<Contender, NestW2Result[]>(contenders.map((c) => [c, []]));
      for (let round = 0; round < params.rounds; round++) {
        const order = round % 2 === 0 ? contenders : [...contenders].reverse();
        for (const c of order) {
          progress.begin(`${label} · ${c.name} · round ${round + 1}/${params.rounds}`);
          runs.get(c)!.push(await runRound(client, c, shape, progress));
        }
      }
      const tcpRounds = runs.get(contenders[1])!;
      const pairedRatios = (c: Contender): number[] =>
        runs.get(c)!.map((r, i) => r.callsPerSecond / Math.max(1, tcpRounds[i].callsPerSecond));
      const roundRatios = pairedRatios(contenders[0]);
      const extra = contenders[2];
      rows.push({
        actonTransport: median(runs.get(contenders[0])!),
        nestTcp: median(tcpRounds),
        ratio: medianOf(roundRatios),
        roundRatios,
        ...(extra && also
          ? { also: { label: also.label, result: median(runs.get(extra)!), ratio: medianOf(pairedRatios(extra)) } }
          : {}),
      });
    }
    return rows;
  } finally {
    await Promise.all([client, ...contenders.map((c) => c.server)].map((child) => child.stop()));
  }
}

/** One W2 run against `contender`, with both processes' CPU time per call. */
async function runRound(
  client: BenchChild,
  contender: Contender,
  shape: ConcurrentParams,
  progress: ProgressLine,
): Promise<NestW2Result> {
  const [serverBefore, clientBefore] = [await contender.server.cpuMicroseconds(), await client.cpuMicroseconds()];
  const result = await client.run<ConcurrentResult>(
    contender.task,
    { socketPath: contender.address, params: shape },
    WORKLOAD_TIMEOUT_MS,
    (text) => progress.update(text),
  );
  const [serverAfter, clientAfter] = [await contender.server.cpuMicroseconds(), await client.cpuMicroseconds()];
  const calls = Math.max(1, result.operations);
  return {
    ...result,
    serverCpuUsPerOp: (serverAfter - serverBefore) / calls,
    clientCpuUsPerOp: (clientAfter - clientBefore) / calls,
  };
}

/** Markdown lines for the report: per W2 shape, calls/s with the ratio, then both processes' CPU per call. */
export function nestComparisonTable(rows: readonly NestComparisonRow[]): string {
  const lines = [
    '| Nest W2 (same handler) | ActonTransport | Nest TCP | ratio | target |',
    '|---|---:|---:|---:|---:|',
  ];
  const cpu = (us: number | undefined): string => `${(us ?? 0).toFixed(1)} µs`;
  const less = (ours: number | undefined, theirs: number | undefined): string =>
    `${((theirs ?? 0) / Math.max(0.001, ours ?? 0)).toFixed(2)}× less`;
  for (const { actonTransport: a, nestTcp: t, ratio, roundRatios, also } of rows) {
    const shape = `${a.connections}×${a.inFlight}`;
    const spread = roundRatios.length > 1 ? ` (rounds ${spreadOf(roundRatios)})` : '';
    lines.push(
      `| ${shape}: calls/s | ${Math.round(a.callsPerSecond)} | ${Math.round(t.callsPerSecond)} | ` +
        `${ratio.toFixed(2)}×${spread} | ≥ 2× ${ratio >= 2 ? '✅' : '❌'} |`,
      `| ${shape}: server CPU per call | ${cpu(a.serverCpuUsPerOp)} | ${cpu(t.serverCpuUsPerOp)} | ` +
        `${less(a.serverCpuUsPerOp, t.serverCpuUsPerOp)} |  |`,
      `| ${shape}: load client CPU per call | ${cpu(a.clientCpuUsPerOp)} | ${cpu(t.clientCpuUsPerOp)} | ` +
        `${less(a.clientCpuUsPerOp, t.clientCpuUsPerOp)} |  |`,
    );
    if (also) {
      const b = also.result;
      lines.push(
        `| ${shape}: ActonTransport@${also.label} calls/s | ${Math.round(b.callsPerSecond)} | ` +
          `${Math.round(t.callsPerSecond)} | ${also.ratio.toFixed(2)}× |  |`,
        `| ${shape}: ActonTransport@${also.label} server CPU per call | ${cpu(b.serverCpuUsPerOp)} | ` +
          `${cpu(t.serverCpuUsPerOp)} | ${less(b.serverCpuUsPerOp, t.serverCpuUsPerOp)} |  |`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * The median round by calls/s, carrying the median over all rounds of each CPU figure (CPU time
 * per call is the steadier figure on a busy machine, so it gets its own median).
 */
function median(results: readonly NestW2Result[]): NestW2Result {
  const sorted = [...results].sort((a, b) => a.callsPerSecond - b.callsPerSecond);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)],
    serverCpuUsPerOp: medianOf(results.map((r) => r.serverCpuUsPerOp ?? 0)),
    clientCpuUsPerOp: medianOf(results.map((r) => r.clientCpuUsPerOp)),
  };
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function spreadOf(values: readonly number[]): string {
  return `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
}
