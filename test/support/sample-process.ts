import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root, where `npm run sample` is run from. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** A running `npm run sample`, started in its own process group so it can be stopped whole. */
export interface SampleProcess {
  readonly child: ChildProcess;
  readonly socketPath: string;
  /** Everything the sample printed so far (stdout and stderr). */
  output(): string;
  /**
   * SIGINT to the process group (Ctrl-C), then wait for exit; SIGKILL after `graceMs`.
   * Resolves the exit code, or the signal's name when npm re-raised the SIGINT it forwarded.
   */
  stop(graceMs?: number): Promise<number | string | null>;
}

/**
 * Starts `npm run sample` on a fresh socket path and resolves once it printed that it listens.
 * Rejects with the sample's output when it exits or does not listen within `startTimeoutMs`.
 */
export async function startSample(env: NodeJS.ProcessEnv = {}, startTimeoutMs = 60_000): Promise<SampleProcess> {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'acton-sample-')), 'ipc.sock');
  const child = spawn('npm', ['run', '--silent', 'sample'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ACTON_IPC_SOCKET: socketPath, XDG_CONFIG_HOME: join(socketPath, '..', 'xdg'), ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string | null>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal)),
  );

  await waitFor(
    () => output.includes(`listening on ${socketPath}`),
    startTimeoutMs,
    exited,
    () => output,
  );
  return {
    child,
    socketPath,
    output: () => output,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited; // stopped already
      process.kill(-child.pid!, 'SIGINT');
      const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

async function waitFor(
  ready: () => boolean,
  timeoutMs: number,
  exited: Promise<number | string | null>,
  output: () => string,
): Promise<void> {
  let exitCode: number | string | undefined;
  void exited.then((code) => (exitCode = code ?? -1));
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (exitCode !== undefined) throw new Error(`npm run sample exited (${exitCode}) before listening:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`npm run sample did not listen within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether the sample removed its socket file (it should, after a graceful stop). */
export function socketRemoved(sample: SampleProcess): boolean {
  return !existsSync(sample.socketPath);
}
