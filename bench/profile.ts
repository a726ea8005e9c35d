/**
 * Profiles one server under one workload: `node --cpu-prof` on the server child, the same
 * load client as `npm run bench`, then the top self-time functions.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/profile.ts <workload> \
 *     [--server baseline] [--quick] [--no-profile]
 *
 * Workloads: sequential (W1), concurrent (W2 1×64), concurrent-8 (W2 8×16), stream (W3), fan-out (W4).
 * The `.cpuprofile` is kept in `bench/profiles/` (open it in Chrome DevTools); git ignores it.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPlan, workloadOf } from './bench-plan';
import { buildBenchJs, removeBenchJs } from './child/bench-build';
import { BenchChild, REPO_ROOT } from './child/bench-child';
import { launchServer, ServerKind } from './child/server-launch';
import { hotFunctions } from './report/cpu-profile-summary';

const PROFILE_DIR = join(__dirname, 'profiles');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const profiling = !args.includes('--no-profile');
  const serverAt = args.indexOf('--server');
  const kind = (serverAt >= 0 ? args[serverAt + 1] : 'acton-ts') as ServerKind;
  const { task, params } = workloadOf(args.find((a) => !a.startsWith('--') && a !== kind) ?? '', quick);
  mkdirSync(PROFILE_DIR, { recursive: true });
  const before = new Set(readdirSync(PROFILE_DIR));
  const dir = mkdtempSync(join(tmpdir(), 'acton-profile-'));
  const jsRoot = buildBenchJs(REPO_ROOT);
  const nodeOptions = profiling ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const { server, socketPath } = launchServer(kind, jsRoot, dir, benchPlan(quick).stream.items, nodeOptions);
  const client = new BenchChild('load client', jsRoot, 'bench/client/load-client.ts');
  try {
    await Promise.all([server.ready(), client.ready()]);
    const cpuBefore = await server.cpuMicroseconds();
    const result = await client.run(task, { socketPath, params }, 180_000);
    const serverCpuMs = ((await server.cpuMicroseconds()) - cpuBefore) / 1_000;
    console.log(JSON.stringify({ ...(result as object), serverCpuMs }));
  } finally {
    await Promise.all([client.stop(), server.stop()]);
    rmSync(dir, { recursive: true, force: true });
    removeBenchJs(jsRoot);
  }
  if (!profiling) return;
  const written = readdirSync(PROFILE_DIR).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  if (written.length === 0) throw new Error(`the ${kind} server wrote no profile into ${PROFILE_DIR}`);
  console.log(`\nprofile: ${join(PROFILE_DIR, written[0])}\n\n  self ms  share  function`);
  for (const hot of hotFunctions(join(PROFILE_DIR, written[0]), jsRoot)) {
    console.log(
      `${hot.selfMs.toFixed(1).padStart(9)}  ${(hot.share * 100).toFixed(1).padStart(4)}%  ${hot.name} ${hot.where}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
