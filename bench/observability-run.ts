/**
 * Only the observability overhead part of `npm run bench` (about 60 s; `--quick`: about 15 s):
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/observability-run.ts [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPlan } from './bench-plan';
import { REPO_ROOT } from './child/bench-child';
import { buildBenchJs, removeBenchJs } from './child/bench-build';
import { observabilityPlan, observabilityTable, runObservabilityOverhead } from './observability-overhead';
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
    progress.clear();
    console.log(observabilityTable(results));
    return results.variants.some((v) => v.errors > 0) ? 1 : 0;
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
