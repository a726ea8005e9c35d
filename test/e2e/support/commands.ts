import { ChildProcess, execFile, spawn } from 'node:child_process';

/** Output of a finished command. */
export interface Finished {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (killed after `timeoutMs`), never rejecting: the exit code is in the result. */
export function exec(
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<Finished> {
  return new Promise((done) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === 'number'
          ? (err as { code: number }).code
          : -1
        : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Fails with the command's output when it did not exit 0; else returns the result. */
export function expectSuccess(what: string, result: Finished): Finished {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Polls `ready` every 50 ms; fails after `timeoutMs` with what `output` returns (e.g. a server's log). */
export async function waitFor(ready: () => boolean, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A Node app started by `startNodeApp`, with everything it printed so far. */
export interface RunningApp {
  readonly child: ChildProcess;
  output(): string;
  /** Sends Ctrl-C (SIGINT) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node <script>` in `cwd` and waits until its output contains `readyText` (e.g. the
 * "listening on <socket>" line), failing with the output after 30 s.
 */
export async function startNodeApp(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  readyText: string,
): Promise<RunningApp> {
  const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  await waitFor(
    () => output.includes(readyText) || child.exitCode !== null,
    30_000,
    () => output,
  );
  if (!output.includes(readyText)) throw new Error(`${script} exited before "${readyText}":\n${output}`);
  return {
    child,
    output: () => output,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
