import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
// Absolute paths, so the CLI can run in any folder (`cwd` option).
const CLI_ARGS = [
  '-r',
  require.resolve('ts-node/register/transpile-only'),
  '-r',
  require.resolve('tsconfig-paths/register'),
  resolve(REPO_ROOT, 'lib/cli/main.ts'),
];

/** What a finished `acton` process left behind. */
export interface ActonResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run `acton`: extra environment, stdin, a kill deadline (default 25 s), the folder (default the repo). */
export interface ActonRunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly stdin?: string;
  readonly timeoutMs?: number;
  readonly cwd?: string;
  /** Run as this user and group (the test must run as root; supplementary groups are dropped). */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** A running `acton` process. */
export interface ActonProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exited. */
  readonly exited: Promise<ActonResult>;
}

/**
 * Starts the real CLI (`node lib/cli/main.ts` through ts-node) with `args`. `ACTON_IPC_SOCKET`
 * is removed from the environment unless given in `env`. Killed after `timeoutMs`.
 */
export function startActon(args: readonly string[], options: ActonRunOptions = {}): ActonProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TS_NODE_TRANSPILE_ONLY: 'true',
    TS_NODE_PROJECT: resolve(REPO_ROOT, 'tsconfig.json'),
  };
  delete env.ACTON_IPC_SOCKET;
  const child = spawn(process.execPath, [...CLI_ARGS, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...options.user,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin!.end(options.stdin ?? '');
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
  const exited = new Promise<ActonResult>((done) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      child.stdout!.once('end', () => undefined);
      setImmediate(() => done({ code, stdout, stderr }));
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs the CLI to completion (see `startActon`). */
export function runActon(args: readonly string[], options: ActonRunOptions = {}): Promise<ActonResult> {
  return startActon(args, options).exited;
}

/** The JSON values a command printed, one per line (as `acton stream` and `acton subscribe` do). */
export function jsonLines<T = unknown>(stdout: string): T[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}
