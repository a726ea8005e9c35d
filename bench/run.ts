/**
 * `npm run bench` — acton-ts against a framework-free baseline server, same load client for
 * both (targets of issue 19). Prints a progress line, then a markdown table (acton-ts, baseline, ratio,
 * target) and writes the figures to `bench/results.json`.
 *
 *   npm run bench                  full run (a few minutes)
 *   npm run bench -- --quick       30-second smoke run: small counts, same checks
 *   npm run bench -- --out <file>  write the JSON somewhere else
 *   npm run bench -- --check       regression check (seconds): fails only when acton-ts makes
 *                                  fewer than 0.5× the baseline's W2 calls/s in every round
 *   npm run bench -- --actors <N>  only the core's cost per actor: N spawns, heap per idle actor,
 *                                  asks spread over all of them; then N keyed activations (twice),
 *                                  heap per idle activation, passivation (JSON: bench/actors-results.json)
 *   npm run bench -- --cluster     only the cross-node workloads through nats-server (bench/cluster)
 *   npm run bench -- --only w5     only W5 (pattern fan-out vs exact): both sides' rate and server CPU, the ratio
 *
 * Exits 1 when any workload failed, answered wrongly or lost a push; speed never fails the run.
 */
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchPlan } from './bench-plan';
import { BenchRunner, RunResults } from './bench-runner';
import { FanOutResult } from './client/fan-out.workload';
import { buildFigures, Figure } from './report/figures';
import { buildActorFigures, buildKeyedFigures, PUBLISHED_FIGURES } from './report/population-figures';
import { observabilityProblems, observabilityTable } from './observability-overhead';
import { probeOverheadTable } from './in-process/instrumentation-overhead';
import { markdownTable } from './report/markdown-table';
import { ratioChartSvg } from './report/ratio-chart';
import { ProgressLine } from './report/progress-line';
import { nestComparisonTable } from './nestjs/nest-comparison';
import { clusterTable, runClusterBench } from './cluster/cluster-bench';

/** Said in the output and in results.json, because it changes what the numbers mean. */
const CONDITIONS = [
  'acton-ts server: the sample actors behind IpcModule; rate limiter DISABLED (the bench measures throughput), payload validation ON, push buffer 32768',
  'baseline server: plain node:net, same framing and JSON shapes, no framework, no validation beyond Number.isInteger',
  'one load client process per server, identical code (lib/ipc/protocol encoder/decoder), Unix sockets',
  'Nest: the same @MessagePattern handler on ActonTransport (Unix socket, rate limiter off) and on Nest TCP (127.0.0.1), each driven by a raw client of its own wire',
  'full run: each workload 3 rounds per server, alternating who goes first; the median round is reported',
];

interface CliOptions {
  readonly quick: boolean;
  readonly cluster: boolean;
  readonly out: string;
  /** `--actors N`: run only the actor-population workload with N actors. */
  readonly actors?: number;
  /** `--check`: run only the regression check. */
  readonly check: boolean;
  /** `--only w5`: run only W5 (pattern fan-out vs exact), printing its ratio and server CPU. */
  readonly only?: 'w5';
}

function parseArgs(argv: readonly string[]): CliOptions {
  let quick = false;
  let cluster = false;
  let out: string | undefined;
  let actors: number | undefined;
  let check = false;
  let only: 'w5' | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') quick = true;
    else if (argv[i] === '--cluster') cluster = true;
    else if (argv[i] === '--check') check = true;
    else if (argv[i] === '--out' && argv[i + 1]) out = resolve(argv[++i]);
    else if (argv[i] === '--actors' && argv[i + 1]) actors = actorCount(argv[++i]);
    else if (argv[i] === '--only' && argv[i + 1]?.toLowerCase() === 'w5' && ++i) only = 'w5';
    else
      throw new Error(
        `unknown bench option '${argv[i]}' (use --quick, --cluster, --check, --only w5, --out <file> and/or --actors <N>)`,
      );
  }
  const defaultOut = resolve(__dirname, actors === undefined ? 'results.json' : 'actors-results.json');
  return { quick, cluster, check, out: out ?? defaultOut, actors, only };
}

function actorCount(text: string): number {
  const count = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(count) || count < 1 || count > 10_000_000) {
    throw new Error(
      `invalid --actors '${text}': use a whole number of actors from 1 to 10000000, e.g. --actors 1000000`,
    );
  }
  return count;
}

/** Wrong answers and lost pushes across the run; empty when everything checked out. */
function correctnessProblems(results: RunResults): string[] {
  const problems: string[] = [];
  for (const [name, r] of [
    ['acton-ts', results.acton],
    ['baseline', results.baseline],
  ] as const) {
    const checks = [
      ['W1', r.sequential],
      ...r.concurrent.map((c) => [`W2 ${c.connections}×${c.inFlight}`, c] as const),
      ['W3', r.stream],
      ['W4', r.fanOut],
    ] as const;
    for (const [label, result] of checks)
      if (result.errors > 0)
        problems.push(`${name} ${label}: ${result.errors} wrong answer(s), first: ${result.firstError}`);
    if (r.fanOut.lost > 0) problems.push(`${name} W4: ${r.fanOut.lost} push(es) lost`);
    for (const [variant, w5] of Object.entries(r.patternFanOut ?? {})) {
      if (w5.errors > 0) problems.push(`${name} W5 ${variant}: ${w5.errors} wrong answer(s), first: ${w5.firstError}`);
      if (w5.lost > 0) problems.push(`${name} W5 ${variant}: ${w5.lost} push(es) lost`);
    }
  }
  for (const r of results.nest.flatMap((row) => [row.actonTransport, row.nestTcp])) {
    if (r.errors > 0) problems.push(`Nest W2: ${r.errors} wrong answer(s), first: ${r.firstError}`);
  }
  if (results.inProcess.lostBroadcasts > 0)
    problems.push(`in-process broadcast: ${results.inProcess.lostBroadcasts} lost`);
  problems.push(...observabilityProblems(results.observability));
  return problems;
}

/** Writes the JSON results to `out` and the ratio chart next to it (`x.json` → `x.svg`); returns the chart's path. */
function writeResults(
  out: string,
  quick: boolean,
  results: RunResults,
  figures: readonly Figure[],
  problems: readonly string[],
): string {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
  const generatedAt = new Date().toISOString();
  const json = { generatedAt, quick, machine, conditions: CONDITIONS, figures, problems, raw: results };
  writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
  const chart = `${out.replace(/\.json$/, '')}.svg`;
  const title = `acton-ts vs baseline, ${quick ? '--quick smoke run' : 'median of 3 alternating rounds'}, ${generatedAt.slice(0, 16).replace('T', ' ')} UTC`;
  writeFileSync(chart, ratioChartSvg(figures, title));
  return chart;
}

/** `--actors N`: the core's cost per actor and per keyed activation, against issues 19 and 14's absolute targets. */
async function runActors(runner: BenchRunner, progress: ProgressLine, actors: number, out: string): Promise<number> {
  const result = await runner.runActors({ actors, askMs: 10_000 });
  progress.clear();
  const actorFigures = buildActorFigures(result.actors);
  const keyedFigures = buildKeyedFigures(result.keyed, result.actors);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
  const json = {
    generatedAt: new Date().toISOString(),
    machine,
    figures: [...actorFigures, ...keyedFigures],
    published: PUBLISHED_FIGURES,
    raw: result,
  };
  writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
  const n = actors.toLocaleString('en-US');
  console.log(`\n## acton-ts actor population (${n} actors)\n`);
  console.log(markdownTable(actorFigures));
  console.log(`\n## acton-ts keyed activations in one process (${n} keys, twice)\n`);
  console.log(markdownTable(keyedFigures));
  console.log('\nRates are wall-clock (noisy on a loaded machine); CPU time per operation is the steadier figure.');
  console.log('Published figures of other runtimes, for scale (other machines and workloads):');
  for (const line of PUBLISHED_FIGURES) console.log(`- ${line}`);
  console.log(`\nresults written to ${out}`);
  return 0;
}

/** Smallest acton-ts / baseline W2 ratio the regression check accepts (a gross regression only). */
const CHECK_MIN_RATIO = 0.5;

/** `--check`: short W2 rounds; exit 1 only when every round is below `CHECK_MIN_RATIO` (or a call failed). */
async function runCheck(runner: BenchRunner, progress: ProgressLine): Promise<number> {
  const shape = { connections: 1, inFlight: 64, durationMs: 1_000, warmupMs: 1_000 };
  const result = await runner.runCheck({ shape, minRatio: CHECK_MIN_RATIO, rounds: 5 });
  progress.clear();
  const ratios = result.ratios.map((ratio) => ratio.toFixed(2)).join(', ');
  console.log(
    `bench regression check: W2 1×64 acton-ts / baseline calls/s per round: ${ratios} (needs ≥ ${CHECK_MIN_RATIO} in one round)`,
  );
  if (result.errors > 0) console.error(`FAILED: ${result.errors} wrong answer(s), first: ${result.firstError}`);
  else if (!result.passed)
    console.error(
      `FAILED: acton-ts stayed below ${CHECK_MIN_RATIO}× the baseline in every round: a gross slowdown of the request path`,
    );
  else console.log('passed');
  return result.passed ? 0 : 1;
}

/** `--only w5`: W5 alone; prints each side's rate and server CPU per push, and the ratio (target ≥ 0.90). */
async function runPatternFanOutOnly(runner: BenchRunner, progress: ProgressLine): Promise<number> {
  const { exact, patterns } = await runner.runPatternFanOutOnly();
  progress.clear();
  const side = (name: string, r: FanOutResult): string =>
    `${name} ${r.eventsPerSecondTotal.toFixed(0)} events/s, server ${(r.serverCpuUsPerOp ?? NaN).toFixed(2)} µs CPU/push`;
  console.log(`W5 ${patterns.broadcasts} broadcasts → ${patterns.subscribers} subscribers (median round)`);
  console.log(`  ${side('exact', exact)}`);
  console.log(`  ${side(`patterns (${patterns.noisePatterns} non-matching + 1)`, patterns)}`);
  console.log(
    `  ratio patterns / exact: ${(patterns.eventsPerSecondTotal / exact.eventsPerSecondTotal).toFixed(2)} (target ≥ 0.90)`,
  );
  const problems = [exact, patterns].flatMap((r) => [
    ...(r.errors > 0 ? [`${r.errors} wrong answer(s), first: ${r.firstError}`] : []),
    ...(r.lost > 0 ? [`${r.lost} push(es) lost`] : []),
  ]);
  for (const problem of problems) console.error(`PROBLEM: W5 ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

/** `--cluster`: the cross-node workloads against the nats.js baseline (bench/cluster). */
async function runClusterOnly(quick: boolean): Promise<number> {
  console.log(
    `## acton-ts cluster bench${quick ? ' (--quick)' : ''}: two nodes through a local nats-server vs plain nats.js\n`,
  );
  console.log(clusterTable(await runClusterBench(quick)));
  return 0;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.cluster) return runClusterOnly(options.quick);
  const progress = new ProgressLine();
  const runner = new BenchRunner(benchPlan(options.quick), progress);
  const interrupt = (): void => void runner.stopAll().finally(() => process.exit(130));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  if (options.actors !== undefined) return runActors(runner, progress, options.actors, options.out);
  if (options.check) return runCheck(runner, progress);
  if (options.only === 'w5') return runPatternFanOutOnly(runner, progress);
  const results = await runner.run();
  progress.clear();
  const figures = buildFigures(results.acton, results.baseline, results.inProcess);
  const problems = correctnessProblems(results);
  const chart = writeResults(options.out, options.quick, results, figures, problems);
  console.log(`\n## acton-ts bench${options.quick ? ' (--quick: smoke run, figures not meaningful)' : ''}\n`);
  for (const line of CONDITIONS) console.log(`- ${line}`);
  console.log(`- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);
  console.log(markdownTable(figures));
  console.log(`\n${nestComparisonTable(results.nest)}`);
  console.log(`\n### Observability overhead\n\n${observabilityTable(results.observability)}`);
  console.log(`\n${probeOverheadTable(results.observability.probes)}`);
  console.log(`\nresults written to ${options.out}, chart to ${chart}`);
  for (const problem of problems) console.error(`PROBLEM: ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`\nbench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
