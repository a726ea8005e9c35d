/**
 * Only the observability overhead part of `npm run bench` (about 2–3 minutes; `--quick`: about 30 s),
 * plus the in-process cost of the probes (`app.ask()` with and without them, about 25 s):
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/observability-run.ts [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPlan } from './bench-plan';
import { measureProbeOverhead, probeOverheadTable } from './in-process/instrumentation-overhead';
import { REPO_ROOT } from './child/bench-child';
import { buildBenchJs, removeBenchJs } from './child/bench-build';
import {
  observabilityPlan,
  observabilityProblems,
  observabilityTable,
  runObservabilityOverhead,
} from './observability-overhead';
import { ProgressLine } from './report/progress-line';

async function main(): Promise<number> {
  const quick = process.argv.includes('--quick');
  const progress = new ProgressLine();
  const dir = mkdtempSync(join(tmpdir(), 'acton-bench-observe-'));
  progress.begin('transpiling lib/, sample/ and bench/ for the child processes');
  const jsRoot = buildBenchJs(REPO_ROOT);
  try {
    const results = await runObservabilityOverhead(
      jsRoot,
      dir,
      observabilityPlan(quick),
      benchPlan(quick).stream.items,
      progress,
    );
    progress.begin('in-process app.ask() with and without probes');
    const probes = await measureProbeOverhead(quick ? 3 : 7, quick ? 300 : 1_000);
    progress.clear();
    console.log(observabilityTable(results));
    console.log(`\n${probeOverheadTable(probes)}`);
    const problems = observabilityProblems(results);
    for (const problem of problems) console.error(`PROBLEM: ${problem}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    removeBenchJs(jsRoot);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`\nbench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
