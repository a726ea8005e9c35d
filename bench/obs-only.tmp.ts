import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './child/bench-child';
import { buildBenchJs, removeBenchJs } from './child/bench-build';
import { observabilityTable, runObservabilityOverhead } from './observability-overhead';
import { ProgressLine } from './report/progress-line';
(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'obs-'));
  const jsRoot = buildBenchJs(REPO_ROOT);
  const d = Number(process.argv[3] ?? 700);
  try {
    const r = await runObservabilityOverhead(jsRoot, dir, { rounds: Number(process.argv[2] ?? 5), shapes: [
      { connections: 1, inFlight: 64, durationMs: d, warmupMs: 200 },
      { connections: 8, inFlight: 16, durationMs: d, warmupMs: 200 }] }, 1000, new ProgressLine());
    console.log(observabilityTable(r));
  } finally { rmSync(dir, { recursive: true, force: true }); removeBenchJs(jsRoot); }
})();
