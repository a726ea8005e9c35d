import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * Issue 19's regression check, affordable in CI: `bench/run.ts --check` runs short W2 1×64
 * rounds against acton-ts and the framework-free baseline, alternating who goes first, and fails
 * only when acton-ts stays below 0.5× the baseline's calls/s in every round (or answers wrongly).
 * A ratio measured in one run, never a wall-clock bound: load elsewhere on the machine slows
 * both servers alike, and has to spoil every round to fail it.
 */
describe('npm run bench -- --check', () => {
  it('passes: acton-ts serves W2 at no less than half the baseline rate, with no wrong answer', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'bench/run.ts', '--check'],
        { cwd: REPO_ROOT, timeout: 150_000, maxBuffer: 4 * 1024 * 1024 },
        (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    const verdict = run.stdout.match(/calls\/s per round: ([\d., ]+) \(needs ≥ 0\.5 in one round\)/);
    expect({ verdict: verdict?.[0], stderr: run.stderr.slice(-2_000) }).toEqual({ verdict: expect.any(String), stderr: expect.any(String) });
    const ratios = verdict![1].split(', ').map(Number);
    expect(ratios.some((ratio) => ratio >= 0.5)).toBe(true);
    expect({ code: run.code, stderr: run.stderr.slice(-2_000) }).toEqual({ code: 0, stderr: expect.any(String) });
  }, 160_000);
});
