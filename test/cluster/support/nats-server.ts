import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The one command that installs the NATS server on the CI machine (Debian). */
export const INSTALL_NATS = 'apt-get install -y nats-server';

/** A `nats-server -js` of one test suite: random loopback port, temporary JetStream store. */
export interface NatsServerProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL), by pid; keeps the store unless `wipe`. */
  stop(wipe?: boolean): Promise<void>;
  /** Starts it again on the same port with the same store (a NATS restart). */
  restart(): Promise<void>;
}

/**
 * Fails with the install command when `nats-server` is not on PATH: cluster suites never skip
 * (under CI=true `.ci/run` installs it first).
 */
export function requireNatsServer(): string {
  const path = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'nats-server'))
    .find((candidate) => existsSync(candidate));
  if (!path) {
    throw new Error(
      `The cluster tests need nats-server, which is not installed. Install it with: ${INSTALL_NATS} (as ` +
        `root; on macOS: brew install nats-server)`,
    );
  }
  return path;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}: ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server did not open port ${port} within 15 s: ${output()}`);
}

/**
 * Starts `nats-server -js` for one suite; `config` (nats-server configuration text, e.g. an
 * `authorization` or `tls` block) goes into a file in the store dir, passed with `-c`.
 */
export async function startNatsServer(config?: string): Promise<NatsServerProcess> {
  const binary = requireNatsServer();
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'acton-nats-'));
  const configArgs: string[] = [];
  if (config !== undefined) {
    writeFileSync(join(store, 'nats-server.conf'), config);
    configArgs.push('-c', join(store, 'nats-server.conf'));
  }
  let child: ChildProcess;
  let output = '';
  const launch = async (): Promise<void> => {
    output = '';
    child = spawn(binary, [...configArgs, '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForPort(port, child, () => output);
  };
  const halt = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid!, 'SIGTERM');
    const timer = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid!;
    },
    async stop(wipe = true) {
      await halt();
      if (wipe) rmSync(store, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await launch();
    },
  };
}
