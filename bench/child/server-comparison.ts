import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { buildBenchJs, removeBenchJs } from './bench-build';
import { BenchChild, REPO_ROOT } from './bench-child';
import { launchServer, ServerKind } from './server-launch';

/** One server of a comparison: what it is called in the output, and where it listens. */
export interface Contender {
  readonly label: string;
  readonly server: BenchChild;
  readonly socketPath: string;
}

/** What a comparison starts. */
export interface ComparisonOptions {
  /** Prefix of its temporary directory (sockets, configuration). */
  readonly tempPrefix: string;
  /** How many items the list service streams (W3). */
  readonly listItems: number;
  /** Another checkout of the repo whose acton-ts runs as a third server (`--also <checkout>`). */
  readonly also?: string;
}

/**
 * Runs `measure` against acton-ts and the baseline, each started once (and acton-ts built from
 * `also`, when given, labelled `acton-ts@<dir>`), with one load client, all ready; then stops
 * every child and removes the temporary directory and the compiled bench, whatever happened.
 * Contenders are in that order: acton-ts, baseline, then the `also` server.
 */
export async function runServerComparison<T>(
  options: ComparisonOptions,
  measure: (contenders: readonly Contender[], client: BenchChild) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), options.tempPrefix));
  const jsRoot = buildBenchJs(REPO_ROOT);
  const alsoJsRoot = options.also === undefined ? undefined : buildBenchJs(resolve(options.also));
  const launch = (label: string, kind: ServerKind, root: string, variant?: string): Contender => ({
    label,
    ...launchServer(kind, root, dir, options.listItems, [], variant ? { name: variant, env: {} } : undefined),
  });
  const contenders = [launch('acton-ts', 'acton-ts', jsRoot), launch('baseline', 'baseline', jsRoot)];
  if (alsoJsRoot)
    contenders.push(launch(`acton-ts@${basename(resolve(options.also!))}`, 'acton-ts', alsoJsRoot, 'also'));
  const client = new BenchChild('load client', jsRoot, 'bench/client/load-client.ts');
  try {
    await Promise.all([...contenders.map((c) => c.server.ready()), client.ready()]);
    return await measure(contenders, client);
  } finally {
    await Promise.all([client.stop(), ...contenders.map((c) => c.server.stop())]);
    rmSync(dir, { recursive: true, force: true });
    removeBenchJs(jsRoot);
    if (alsoJsRoot) removeBenchJs(alsoJsRoot);
  }
}

/** The full bench's unmeasured warm-up (`serverWarmUp` of bench-plan.ts), answered by each server in turn. */
export async function warmUpServers(
  contenders: readonly Contender[],
  client: BenchChild,
  params: unknown,
): Promise<void> {
  for (const c of contenders) await client.run('sequential', { socketPath: c.socketPath, params }, 120_000);
}

/** The value after `flag` on the command line (`--rounds 5` → `'5'`). */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}
