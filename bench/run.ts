/**
 * `npm run bench` — acton-ts against a framework-free baseline server, same load client for
 * both (issue 7). Prints a progress line, then a markdown table (acton-ts, baseline, ratio,
 * target) and writes the figures to `bench/results.json`.
 *
 *   npm run bench                  full run (a few minutes)
 *   npm run bench -- --quick       30-second smoke run: small counts, same checks
 *   npm run bench -- --out <file>  write the JSON somewhere else
 *   npm run bench -- --cluster     only the cross-node workloads through nats-server (bench/cluster)
 *
 * Exits 1 when any workload failed, answered wrongly or lost a push; speed never fails the run.
 */
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchPlan } from './bench-plan';
import { BenchRunner, RunResults } from './bench-runner';
import { buildFigures, Figure } from './report/figures';
import { observabilityTable } from './observability-overhead';
import { markdownTable } from './report/markdown-table';
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
}

function parseArgs(argv: readonly string[]): CliOptions {
  let quick = false;
  let cluster = false;
  let out = resolve(__dirname, 'results.json');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') quick = true;
    else if (argv[i] === '--cluster') cluster = true;
    else if (argv[i] === '--out' && argv[i + 1]) out = resolve(argv[++i]);
    else throw new Error(`unknown bench option '${argv[i]}' (use --quick, --cluster and/or --out <file>)`);
  }
  return { quick, cluster, out };
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
  for (const v of results.observability.variants)
    if (v.errors > 0) problems.push(`observability overhead (${v.variant}): ${v.errors} wrong answer(s)`);
  return problems;
}

function writeResults(
  out: string,
  quick: boolean,
  results: RunResults,
  figures: readonly Figure[],
  problems: readonly string[],
): void {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
  const json = {
    generatedAt: new Date().toISOString(),
    quick,
    machine,
    conditions: CONDITIONS,
    figures,
    problems,
    raw: results,
  };
  writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
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
  const results = await runner.run();
  progress.clear();
  const figures = buildFigures(results.acton, results.baseline, results.inProcess);
  const problems = correctnessProblems(results);
  writeResults(options.out, options.quick, results, figures, problems);
  console.log(`\n## acton-ts bench${options.quick ? ' (--quick: smoke run, figures not meaningful)' : ''}\n`);
  for (const line of CONDITIONS) console.log(`- ${line}`);
  console.log(`- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);
  console.log(markdownTable(figures));
  console.log(`\n${nestComparisonTable(results.nest)}`);
  console.log(`\n### Observability overhead\n\n${observabilityTable(results.observability)}`);
  console.log(`\nresults written to ${options.out}`);
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
