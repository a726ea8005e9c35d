import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ActonClient } from 'acton-ts/client';

/** The repository root (where ts-node and tsconfig-paths resolve `acton-ts/*`). */
const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/**
 * A Nest app running in a child process. Jest's module loader cannot load Nest 12's ES modules,
 * so every Nest side of these tests is a real Node process (ts-node), driven over its socket
 * and its stdout.
 */
export interface NestProcess {
  readonly child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once the output contains `text` (rejects with the output on exit or timeout). */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /**
   * Writes `command` (with a fresh `id`) as one JSON line to stdin and resolves the JSON line the
   * process printed with the same `id` (the fixtures' command protocol).
   */
  command(command: Record<string, unknown>, timeoutMs?: number): Promise<any>;
  /** Sends `signal` (default SIGTERM) and resolves the exit code (or signal name); SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | string | null>;
}

/** A fresh socket path in its own temp dir. */
export function freshSocketPath(name = 'nest.sock'): string {
  return join(mkdtempSync(join(tmpdir(), 'acton-nest-')), name);
}

/**
 * Starts `node -r ts-node/register/transpile-only -r tsconfig-paths/register <script> ...args`
 * (with `env` added to this process's environment) and waits until it printed `readyText`.
 */
export async function startNestProcess(
  script: string,
  args: readonly string[],
  readyText: string | RegExp,
  env: NodeJS.ProcessEnv = {},
  startTimeoutMs = 120_000,
): Promise<NestProcess> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', script, ...args],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'),
        ACTON_LOG_LEVEL: 'warn',
        NO_COLOR: '1',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string | null>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal)),
  );
  let exitCode: number | string | null | undefined;
  void exited.then((code) => (exitCode = code));

  const waitForOutput = async (text: string | RegExp, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    const seen = (): boolean => (typeof text === 'string' ? output.includes(text) : text.test(output));
    while (!seen()) {
      if (exitCode !== undefined) throw new Error(`${script} exited (${exitCode}) before printing ${text}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`${script} did not print ${text} within ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  let nextId = 1;
  const command = async (body: Record<string, unknown>, timeoutMs = 30_000): Promise<any> => {
    const id = nextId++;
    child.stdin!.write(`${JSON.stringify({ ...body, id })}\n`);
    const marker = `{"id":${id},`;
    await waitForOutput(marker, timeoutMs);
    const line = output.split('\n').find((candidate) => candidate.startsWith(marker))!;
    return JSON.parse(line);
  };
  const processHandle: NestProcess = {
    child,
    command,
    output: () => output,
    waitForOutput,
    stop: async (signal = 'SIGTERM', graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  try {
    await waitForOutput(readyText, startTimeoutMs);
  } catch (err) {
    await processHandle.stop('SIGKILL');
    throw err;
  }
  return processHandle;
}

/** A Nest process serving acton on a fresh socket, and an acton client connected to it. */
export interface NestAndClient {
  readonly nest: NestProcess;
  readonly socketPath: string;
  readonly client: ActonClient;
}

/** How long starting a Nest child process may take (ts-node compiles it on this loaded machine). */
const SUITE_START_TIMEOUT_MS = 150_000;

/**
 * Registers, in the enclosing `describe`, a `beforeAll` that starts `script` with a fresh socket
 * path as its one argument, waits for `readyText(socketPath)` and connects an `ActonClient`
 * (no reconnect), and an `afterAll` that closes the client and stops the process with
 * `stopSignal`. Read `.nest`, `.socketPath` and `.client` inside the tests.
 */
export function nestAndClientPerSuite(
  script: string,
  readyText: (socketPath: string) => string,
  stopSignal: NodeJS.Signals = 'SIGTERM',
): NestAndClient {
  let started: { nest: NestProcess; socketPath: string; client: ActonClient } | undefined;
  let nest: NestProcess | undefined;
  beforeAll(async () => {
    const socketPath = freshSocketPath();
    nest = await startNestProcess(script, [socketPath], readyText(socketPath));
    started = { nest, socketPath, client: await ActonClient.connect({ socketPath }, { reconnect: false }) };
  }, SUITE_START_TIMEOUT_MS);
  afterAll(async () => {
    await started?.client.close();
    await nest?.stop(stopSignal);
  });
  return {
    get nest() {
      return started!.nest;
    },
    get socketPath() {
      return started!.socketPath;
    },
    get client() {
      return started!.client;
    },
  };
}
