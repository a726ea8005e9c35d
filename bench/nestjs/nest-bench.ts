/**
 * `npm run bench:nest` — only the Nest comparison of `npm run bench` (W2 through the same Nest
 * handler on ActonTransport and on Nest's TCP transport), for a quick look without the rest.
 *
 *   npm run bench:nest                 3 rounds of 5 s per transport
 *   npm run bench:nest -- --quick      1 round of 1 s
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPlan } from '../bench-plan';
import { REPO_ROOT } from '../child/bench-child';
import { buildBenchJs, removeBenchJs } from '../child/bench-build';
import { ProgressLine } from '../report/progress-line';
import { nestComparisonTable, runNestComparison } from './nest-comparison';

async function main(): Promise<number> {
  const quick = process.argv.includes('--quick');
  const progress = new ProgressLine();
  const dir = mkdtempSync(join(tmpdir(), 'acton-bench-nest-'));
  progress.begin('transpiling lib/, sample/ and bench/ for the child processes');
  const jsRoot = buildBenchJs(REPO_ROOT);
  try {
    const rows = await runNestComparison(benchPlan(quick).nest, jsRoot, dir, progress);
    progress.clear();
    console.log(nestComparisonTable(rows));
    const wrong = rows.flatMap((row) => [row.actonTransport, row.nestTcp]).filter((r) => r.errors > 0);
    for (const r of wrong) console.error(`PROBLEM: ${r.errors} wrong answer(s), first: ${r.firstError}`);
    return wrong.length > 0 ? 1 : 0;
  } finally {
    removeBenchJs(jsRoot);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
