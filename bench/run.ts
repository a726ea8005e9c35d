/**
 * `npm run bench` — acton-ts against a framework-free baseline server, same load client for
 * both (issue 7). Prints a progress line, then a markdown table (acton-ts, baseline, ratio,
 * target) and writes the figures to `bench/results.json`.
 *
 *   npm run bench                  full run (a few minutes)
 *   npm run bench -- --quick       30-second smoke run: small counts, same checks
 *   npm run bench -- --out <file>  write the JSON somewhere else
 *   npm run bench -- --actors <N>  only the core's cost per actor: N spawns, heap per idle actor,
 *                                  asks spread over all of them (JSON: bench/actors-results.json)
 *
 * Exits 1 when any workload failed, answered wrongly or lost a push; speed never fails the run.
 */
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchPlan } from './bench-plan';
import { BenchRunner, RunResults } from './bench-runner';
import { buildActorFigures, buildFigures, Figure } from './report/figures';
import { markdownTable } from './report/markdown-table';
import { ProgressLine } from './report/progress-line';

/** Said in the output and in results.json, because it changes what the numbers mean. */
const CONDITIONS = [
  'acton-ts server: the sample actors behind IpcModule; rate limiter DISABLED (the bench measures throughput), payload validation ON, push buffer 32768',
  'baseline server: plain node:net, same framing and JSON shapes, no framework, no validation beyond Number.isInteger',
  'one load client process per server, identical code (lib/ipc/protocol encoder/decoder), Unix sockets',
  'full run: each workload 3 rounds per server, alternating who goes first; the median round is reported',
];

interface CliOptions {
  readonly quick: boolean;
  readonly out: string;
  /** `--actors N`: run only the actor-population workload with N actors. */
  readonly actors?: number;
}

function parseArgs(argv: readonly string[]): CliOptions {
  let quick = false;
  let out: string | undefined;
  let actors: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') quick = true;
    else if (argv[i] === '--out' && argv[i + 1]) out = resolve(argv[++i]);
    else if (argv[i] === '--actors' && argv[i + 1]) actors = actorCount(argv[++i]);
    else throw new Error(`unknown bench option '${argv[i]}' (use --quick, --out <file> and/or --actors <N>)`);
  }
  return { quick, out: out ?? resolve(__dirname, actors === undefined ? 'results.json' : 'actors-results.json'), actors };
}

function actorCount(text: string): number {
  const count = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(count) || count < 1 || count > 10_000_000) {
    throw new Error(`invalid --actors '${text}': use a whole number of actors from 1 to 10000000, e.g. --actors 1000000`);
  }
  return count;
}

/** Wrong answers and lost pushes across the run; empty when everything checked out. */
function correctnessProblems(results: RunResults): string[] {
  const problems: string[] = [];
  for (const [name, r] of [['acton-ts', results.acton], ['baseline', results.baseline]] as const) {
    const checks = [['W1', r.sequential], ...r.concurrent.map((c) => [`W2 ${c.connections}×${c.inFlight}`, c] as const), ['W3', r.stream], ['W4', r.fanOut]] as const;
    for (const [label, result] of checks) if (result.errors > 0) problems.push(`${name} ${label}: ${result.errors} wrong answer(s), first: ${result.firstError}`);
    if (r.fanOut.lost > 0) problems.push(`${name} W4: ${r.fanOut.lost} push(es) lost`);
  }
  if (results.inProcess.lostBroadcasts > 0) problems.push(`in-process broadcast: ${results.inProcess.lostBroadcasts} lost`);
  return problems;
}

function writeResults(out: string, quick: boolean, results: RunResults, figures: readonly Figure[], problems: readonly string[]): void {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, platform: `${process.platform}-${process.arch}` };
  const json = { generatedAt: new Date().toISOString(), quick, machine, conditions: CONDITIONS, figures, problems, raw: results };
  writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
}

/** `--actors N`: the core's cost per actor, against issue 19's absolute targets. */
async function runActors(runner: BenchRunner, progress: ProgressLine, actors: number, out: string): Promise<number> {
  const result = await runner.runActors({ actors, askMs: 10_000 });
  progress.clear();
  const figures = buildActorFigures(result);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, platform: `${process.platform}-${process.arch}` };
  writeFileSync(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), machine, figures, raw: result }, null, 2)}\n`);
  console.log(`\n## acton-ts actor population (${actors.toLocaleString('en-US')} actors)\n`);
  console.log(markdownTable(figures));
  console.log(`\nresults written to ${out}`);
  return 0;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const progress = new ProgressLine();
  const runner = new BenchRunner(benchPlan(options.quick), progress);
  const interrupt = (): void => void runner.stopAll().finally(() => process.exit(130));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  if (options.actors !== undefined) return runActors(runner, progress, options.actors, options.out);
  const results = await runner.run();
  progress.clear();
  const figures = buildFigures(results.acton, results.baseline, results.inProcess);
  const problems = correctnessProblems(results);
  writeResults(options.out, options.quick, results, figures, problems);
  console.log(`\n## acton-ts bench${options.quick ? ' (--quick: smoke run, figures not meaningful)' : ''}\n`);
  for (const line of CONDITIONS) console.log(`- ${line}`);
  console.log(`- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);
  console.log(markdownTable(figures));
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
