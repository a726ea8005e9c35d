import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { compiledScriptArgs } from '../../support/compiled-node-scripts';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURE = join(__dirname, '..', 'fixtures', 'cluster-node.ts');

/** One node of the test cluster, a separate OS process running `fixtures/cluster-node.ts`. */
export interface ClusterNodeProcess {
  readonly nodeId: string;
  readonly socket: string;
  readonly pid: number;
  /** Whether it owned the `counter` singleton when it became ready. */
  readonly ownedCounterAtStart: boolean;
  /** Everything it printed so far. */
  output(): string;
  /** kill -9, by pid. */
  kill(): Promise<void>;
  /** SIGTERM (clean close), by pid; resolves once it exited. */
  stop(): Promise<void>;
  /** Its `app.cluster.stats()` now (asked with SIGUSR2, by pid; the node prints a STATS line). */
  clusterStats(): Promise<Record<string, unknown>>;
}

/** Environment of a node: NATS URL, cluster namespace, node id, socket, timing. */
export interface NodeSettings {
  readonly natsUrl: string;
  readonly cluster: string;
  readonly nodeId: string;
  readonly socket: string;
  readonly heartbeatMs?: number;
  readonly nodeTimeoutMs?: number;
  /** The node's script under test/cluster/fixtures (default `cluster-node.ts`). */
  readonly fixture?: string;
  /** How long to wait for READY (default 60 s). */
  readonly readyTimeoutMs?: number;
}

/**
 * Starts a node (compiled JavaScript of the fixture: `compiledScriptArgs`) and waits (default up to
 * 60 s on a loaded machine) until it printed READY.
 */
export async function startClusterNode(settings: NodeSettings): Promise<ClusterNodeProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    compiledScriptArgs(settings.fixture ? join(__dirname, '..', 'fixtures', settings.fixture) : FIXTURE),
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ACTON_NATS_URL: settings.natsUrl,
        ACTON_CLUSTER: settings.cluster,
        ACTON_NODE_ID: settings.nodeId,
        ACTON_IPC_SOCKET: settings.socket,
        CLUSTER_HEARTBEAT_MS: String(settings.heartbeatMs ?? 200),
        CLUSTER_NODE_TIMEOUT_MS: String(settings.nodeTimeoutMs ?? 1000),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ nodeId: string; socket: string; counter: boolean }>((resolve, reject) => {
    const readyMs = settings.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(
      () => reject(new Error(`node ${settings.nodeId} not ready within ${readyMs} ms:\n${output}`)),
      readyMs,
    );
    const check = (): void => {
      const line = /^READY (.*)$/m.exec(output);
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line[1]!));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${settings.nodeId} exited with ${code} before READY:\n${output}`));
    });
  });
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, name);
    await exited;
  };
  return {
    nodeId: ready.nodeId,
    socket: ready.socket,
    pid: child.pid!,
    ownedCounterAtStart: ready.counter,
    output: () => output,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    clusterStats: async () => {
      const seen = (output.match(/^STATS /gm) ?? []).length;
      process.kill(child.pid!, 'SIGUSR2');
      for (let waited = 0; waited < 10_000; waited += 20) {
        const lines = [...output.matchAll(/^STATS (.*)$/gm)];
        if (lines.length > seen) return JSON.parse(lines[seen]![1]!) as Record<string, unknown>;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`node ${settings.nodeId} printed no STATS line within 10 s:\n${output}`);
    },
  };
}
