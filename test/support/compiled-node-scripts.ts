import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { transpileTree, typeScriptFiles } from '../../bench/child/bench-build';

const ROOT = join(__dirname, '..', '..');
/** What the spawned scripts run: the library, the scripts' folders, and the `acton-ts` alias hook. */
const SOURCES = ['lib', 'test/cluster/fixtures', 'bench/child/path-alias.hook.ts'];
const CACHE = join(ROOT, 'node_modules', '.cache', 'acton-test-js');
/** A build no run has used for this long is deleted by the next build (ms). */
const STALE_MS = 60 * 60 * 1000;
/** How long a test process waits for another one's build (ms; a build takes seconds of CPU). */
const BUILD_WAIT_MS = 120_000;

/**
 * How to run one of the TypeScript scripts the tests start as OS processes (a cluster node
 * fixture): `node <args>`, on JavaScript transpiled from the current sources. The first call after a
 * source changed transpiles `lib/` and the fixtures once (a few seconds) into
 * `node_modules/.cache/acton-test-js/<digest of the sources' paths, sizes and mtimes>/`; every
 * later call and every other test process reuses that build. Under ts-node each process compiled
 * all of `lib/` on start (seconds of CPU per node restart in the chaos and cluster suites).
 * Transpile-only, as ts-node ran them: type errors are `npm run typecheck`'s job.
 * @param script the script's path under the repository, e.g. `test/cluster/fixtures/cluster-node.ts`
 */
export function compiledScriptArgs(script: string): string[] {
  const root = compiledRoot();
  return [
    '-r',
    join(root, 'bench', 'child', 'path-alias.hook.js'),
    join(root, relative(ROOT, script)).replace(/\.ts$/, '.js'),
  ];
}

/** The build of the current sources, made now when there is none. */
function compiledRoot(): string {
  const root = join(CACHE, sourceDigest());
  if (existsSync(join(root, '.complete'))) return touched(root);
  mkdirSync(CACHE, { recursive: true });
  // One test process builds; the others (jest's other workers) wait for it rather than build too.
  const lock = `${root}.lock`;
  if (!takeLock(lock)) {
    for (const until = Date.now() + BUILD_WAIT_MS; Date.now() < until;) {
      if (existsSync(join(root, '.complete'))) return touched(root);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    pruneStale(root);
    // Built aside and renamed into place, so that a test process never runs a half-written build.
    const building = `${root}.${process.pid}.tmp`;
    rmSync(building, { recursive: true, force: true });
    transpileTree(ROOT, SOURCES, building);
    writeFileSync(join(building, '.complete'), '');
    try {
      renameSync(building, root);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another process built it first
    }
    return root;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Whether this process may build: it created `lock`, or took over one left by a build that died. */
function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs < BUILD_WAIT_MS) return false;
    } catch {
      // the lock went away meanwhile: build
    }
    rmSync(lock, { recursive: true, force: true });
    return true;
  }
}

function sourceDigest(): string {
  const hash = createHash('sha1');
  for (const source of SOURCES) {
    const path = join(ROOT, source);
    for (const file of statSync(path).isDirectory() ? typeScriptFiles(path) : [path]) {
      const { size, mtimeMs } = statSync(file);
      hash.update(`${relative(ROOT, file)}\0${size}\0${mtimeMs}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** Marks `root` as used now (its marker's mtime), so that pruning keeps it. */
function touched(root: string): string {
  const now = new Date();
  try {
    utimesSync(join(root, '.complete'), now, now);
  } catch {
    // a read-only cache is still usable
  }
  return root;
}

/** Deletes builds of earlier sources nobody used for `STALE_MS` (the cache stays bounded). */
function pruneStale(keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (path === keep || name.endsWith('.lock')) continue;
    const marker = existsSync(join(path, '.complete')) ? join(path, '.complete') : path;
    if (now - statSync(marker).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
  }
}
