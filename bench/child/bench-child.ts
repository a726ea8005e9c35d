import { ChildProcess, fork } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ChildMessage, MemoryReport, ParentMessage } from './child-messages';

/** The repository root (children run from there so `tsconfig-paths` finds `acton-ts`). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** How long a child may take to announce `ready` , ms. */
const READY_TIMEOUT_MS = 60_000;
/** How long a child may take to answer `peak-rss`, ms. */
const RSS_TIMEOUT_MS = 5_000;
/** After SIGTERM, a child that has not exited by then is SIGKILLed, ms. */
const KILL_GRACE_MS = 3_000;

/**
 * One bench child process (a server, the load client or the in-process bench), started with
 * `fork` so that it has an IPC channel, running the JavaScript `buildBenchJs()` produced (plain
 * node: no compiler in its memory). Only this child is ever signalled, by its own pid.
 */
export class BenchChild {
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private nextId = 1;
  private output = '';

  /**
   * @param label shown in errors, e.g. `acton-ts server`
   * @param jsRoot output root of `buildBenchJs()`
   * @param script the child's entry file, relative to the repository root (`bench/x.ts`)
   * @param env extra environment variables
   * @param nodeOptions extra node flags, e.g. `--cpu-prof`
   */
  constructor(
    readonly label: string,
    jsRoot: string,
    script: string,
    env: NodeJS.ProcessEnv = {},
    nodeOptions: readonly string[] = [],
  ) {
    this.child = fork(join(jsRoot, script.replace(/\.ts$/, '.js')), [], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      execArgv: [...nodeOptions, '-r', join(jsRoot, 'bench', 'child', 'path-alias.hook.js')],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.keep(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.keep(chunk));
    this.exited = new Promise((done) => this.child.once('exit', (code, signal) => done(code ?? (signal ? -1 : null))));
  }

  /** Calls `listener` with everything the child writes to stdout and stderr from now on. */
  onOutput(listener: (text: string) => void): void {
    this.child.stdout!.on('data', (chunk: Buffer) => listener(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => listener(chunk.toString()));
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves with the `ready` detail; rejects (with the child's output) if it exits or times out first. */
  ready(): Promise<string | undefined> {
    return this.awaitMessage(
      (m) =>
        m.kind === 'ready'
          ? { value: m.detail }
          : m.kind === 'failed'
            ? { error: `${this.label} failed to start: ${m.error}` }
            : undefined,
      READY_TIMEOUT_MS,
      'to start',
    );
  }

  /**
   * Runs `task` in the child and resolves with its result.
   * @param onProgress called with each progress text the child reports
   * @param timeoutMs bound on the whole task; on expiry the promise rejects (the child is left to `stop()`)
   */
  run<T>(task: string, params: unknown, timeoutMs: number, onProgress: (text: string) => void = () => {}): Promise<T> {
    const id = this.nextId++;
    const done = this.awaitMessage<T>(
      (m) => {
        if (m.kind === 'progress' && m.id === id) onProgress(m.text);
        if (m.kind === 'result' && m.id === id) return { value: m.result as T };
        if (m.kind === 'failed' && (m.id === id || m.id === undefined))
          return { error: `${this.label} failed ${task}: ${m.error}` };
        return undefined;
      },
      timeoutMs,
      `to finish ${task}`,
    );
    this.send({ kind: 'run', id, task, params });
    return done;
  }

  /** The child's peak resident set size so far, in kilobytes. */
  peakRssKilobytes(): Promise<number> {
    return this.ask({ kind: 'peak-rss' }, (m) => (m.kind === 'peak-rss' ? m.kilobytes : undefined), 'its peak RSS');
  }

  /** CPU time (user + system) the child has used so far, in microseconds. */
  cpuMicroseconds(): Promise<number> {
    return this.ask(
      { kind: 'cpu-usage' },
      (m) => (m.kind === 'cpu-usage' ? m.microseconds : undefined),
      'its CPU time',
    );
  }

  /** The child's `process.memoryUsage()` now and its V8 heap spaces: what its RSS is made of (V8 heap, Buffers). */
  memoryUsage(): Promise<MemoryReport> {
    return this.ask({ kind: 'memory-usage' }, (m) => (m.kind === 'memory-usage' ? m.usage : undefined), 'its memory');
  }

  /** Sends a one-answer question about the child process itself and resolves with what `read` takes from the answer. */
  private ask<T>(question: ParentMessage, read: (m: ChildMessage) => T | undefined, what: string): Promise<T> {
    const answer = this.awaitMessage(
      (m) => {
        const value = read(m);
        return value === undefined ? undefined : { value };
      },
      RSS_TIMEOUT_MS,
      `to report ${what}`,
    );
    this.send(question);
    return answer;
  }

  /** Stops the child (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), KILL_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private send(message: ParentMessage): void {
    if (!this.child.connected) throw new Error(`${this.label} (pid ${this.pid}) is gone; its output:\n${this.tail()}`);
    this.child.send(message);
  }

  private awaitMessage<T>(
    pick: (m: ChildMessage) => { value: T } | { error: string } | undefined,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    return new Promise<T>((resolveValue, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      const onMessage = (message: ChildMessage): void => {
        const picked = pick(message);
        if (!picked) return;
        finish();
        if ('error' in picked) reject(new Error(picked.error));
        else resolveValue(picked.value);
      };
      const onExit = (code: number | null): void => {
        finish();
        reject(new Error(`${this.label} exited (code ${code}) before ${what}; its output:\n${this.tail()}`));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.label} took more than ${timeoutMs} ms ${what}; its output:\n${this.tail()}`));
      }, timeoutMs);
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }

  private keep(chunk: Buffer): void {
    this.output = (this.output + chunk.toString()).slice(-8_000);
  }

  private tail(): string {
    return this.output.trim() || '(nothing)';
  }
}
