/**
 * `npm run bench:nest` — only the Nest comparison of `npm run bench` (W2 through the same Nest
 * handler on ActonTransport and on Nest's TCP transport), for a quick look without the rest.
 *
 *   npm run bench:nest                      3 rounds of 5 s per transport
 *   npm run bench:nest -- --quick           1 round of 1 s
 *   npm run bench:nest -- --rounds 7        more alternating rounds (a steadier median on a busy machine)
 *   npm run bench:nest -- --also <checkout> also ActonTransport as built from another checkout of the
 *                                           repo (e.g. `git worktree add /tmp/main main`, node_modules
 *                                           hard-linked in), measured in the same rounds: an A/B
 *   npm run bench:nest -- --profile         `--cpu-prof` on this checkout's ActonTransport server; prints
 *                                           its top self-time functions (the file stays in bench/profiles/)
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { benchPlan } from '../bench-plan';
import { REPO_ROOT } from '../child/bench-child';
import { buildBenchJs, removeBenchJs } from '../child/bench-build';
import { hotFunctions } from '../report/cpu-profile-summary';
import { ProgressLine } from '../report/progress-line';
import { nestComparisonTable, NestComparisonOptions, runNestComparison } from './nest-comparison';

const PROFILE_DIR = join(__dirname, '..', 'profiles');

interface NestBenchArgs {
  readonly quick: boolean;
  readonly rounds?: number;
  readonly also?: string;
  readonly profile: boolean;
}

function parseArgs(argv: readonly string[]): NestBenchArgs {
  let quick = false;
  let profile = false;
  let rounds: number | undefined;
  let also: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') quick = true;
    else if (argv[i] === '--profile') profile = true;
    else if (argv[i] === '--rounds' && argv[i + 1]) rounds = roundCount(argv[++i]);
    else if (argv[i] === '--also' && argv[i + 1]) also = resolve(argv[++i]);
    else
      throw new Error(
        `unknown bench:nest option '${argv[i]}' (use --quick, --rounds <N>, --also <checkout>, --profile)`,
      );
  }
  return { quick, rounds, also, profile };
}

function roundCount(text: string): number {
  const rounds = Number(text);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) {
    throw new Error(`invalid --rounds '${text}': use a whole number from 1 to 20`);
  }
  return rounds;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const progress = new ProgressLine();
  const dir = mkdtempSync(join(tmpdir(), 'acton-bench-nest-'));
  progress.begin('transpiling lib/, sample/ and bench/ for the child processes');
  const jsRoot = buildBenchJs(REPO_ROOT);
  const alsoJsRoot = args.also === undefined ? undefined : buildBenchJs(args.also);
  if (args.profile) mkdirSync(PROFILE_DIR, { recursive: true });
  const profilesBefore = new Set(args.profile ? readdirSync(PROFILE_DIR) : []);
  const options: NestComparisonOptions = {
    ...(alsoJsRoot ? { also: { label: basename(args.also!), jsRoot: alsoJsRoot } } : {}),
    ...(args.profile ? { actonNodeOptions: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] } : {}),
  };
  const plan = benchPlan(args.quick).nest;
  try {
    const rows = await runNestComparison(
      { ...plan, rounds: args.rounds ?? plan.rounds },
      jsRoot,
      dir,
      progress,
      options,
    );
    progress.clear();
    console.log(nestComparisonTable(rows));
    if (args.profile) printProfile(profilesBefore, jsRoot);
    const results = rows.flatMap((row) => [row.actonTransport, row.nestTcp, ...(row.also ? [row.also.result] : [])]);
    const wrong = results.filter((r) => r.errors > 0);
    for (const r of wrong) console.error(`PROBLEM: ${r.errors} wrong answer(s), first: ${r.firstError}`);
    return wrong.length > 0 ? 1 : 0;
  } finally {
    removeBenchJs(jsRoot);
    if (alsoJsRoot) removeBenchJs(alsoJsRoot);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ActonTransport server's profile (written when it exited): its top self-time functions. */
function printProfile(before: ReadonlySet<string>, jsRoot: string): void {
  const written = readdirSync(PROFILE_DIR).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  if (written.length === 0) throw new Error(`the ActonTransport server wrote no profile into ${PROFILE_DIR}`);
  const path = join(PROFILE_DIR, written[0]);
  console.log(`\nActonTransport server profile: ${path}\n\n  self ms  share  function`);
  for (const hot of hotFunctions(path, jsRoot)) {
    console.log(
      `${hot.selfMs.toFixed(1).padStart(9)}  ${(hot.share * 100).toFixed(1).padStart(4)}%  ${hot.name} ${hot.where}`,
    );
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
