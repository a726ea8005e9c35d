/**
 * Profiles the population workloads phase by phase (spawn, spread ask, keyed activation), each
 * under its own CPU profile (node:inspector, so set-up and GC-measuring are left out):
 *
 *   node --expose-gc -r ts-node/register/transpile-only -r tsconfig-paths/register \
 *     bench/in-process/population-profile.ts [actors|keyed] [N] [--no-profile]
 *
 * Prints the figures (rate and CPU per operation) and each phase's top self-time functions; the
 * `.cpuprofile` files stay in `bench/profiles/` (git-ignored) for Chrome DevTools.
 */
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hotFunctions } from '../report/cpu-profile-summary';
import { runActorPopulation } from './actor-population';
import { runKeyedPopulation } from './keyed-population';
import { PhaseWrapper, runPhase } from './population-phase';

const PROFILE_DIR = join(__dirname, '..', 'profiles');
const REPO_ROOT = resolve(__dirname, '..', '..');

function post(session: Session, method: string, params: object = {}): Promise<unknown> {
  return new Promise((done, fail) =>
    session.post(method, params, (err: Error | null, result?: unknown) => (err ? fail(err) : done(result))),
  );
}

/** Runs each phase under the inspector's CPU profiler and prints its top self-time functions. */
function profiled(session: Session): PhaseWrapper {
  return async (phase, work) => {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
    await post(session, 'Profiler.start');
    const value = await work();
    const { profile } = (await post(session, 'Profiler.stop')) as { profile: object };
    const path = join(PROFILE_DIR, `population-${phase}.cpuprofile`);
    writeFileSync(path, JSON.stringify(profile));
    console.log(`\n### ${phase}: top self time (${path})\n`);
    for (const hot of hotFunctions(path, REPO_ROOT, 15))
      console.log(
        `${(hot.share * 100).toFixed(1).padStart(5)}%  ${hot.selfMs.toFixed(0).padStart(6)} ms  ${hot.name}  ${hot.where}`,
      );
    return value;
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--no-profile');
  const workload = args[0] ?? 'actors';
  const count = Number(args[1] ?? 200_000);
  mkdirSync(PROFILE_DIR, { recursive: true });
  const session = new Session();
  session.connect();
  const wrap = process.argv.includes('--no-profile') ? runPhase : profiled(session);
  const progress = (text: string): void => void process.stderr.write(`${text}\n`);
  const result =
    workload === 'keyed'
      ? await runKeyedPopulation({ keys: count }, progress, wrap)
      : await runActorPopulation({ actors: count, askMs: 10_000 }, progress, wrap);
  console.log(`\n${JSON.stringify(result, null, 2)}`);
  session.disconnect();
  process.exit(0);
}

void main();
