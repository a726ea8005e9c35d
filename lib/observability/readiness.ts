import { connect } from 'node:net';
import type { ActonApp } from '../core/runtime/acton-app';

/** One readiness check and why it failed. */
export interface ReadinessCheck {
  readonly name: 'app-running' | 'socket-accepting' | 'cluster-connected';
  readonly ok: boolean;
  /** What is wrong, when not ok. */
  readonly detail?: string;
}

/** What `/readyz` and `$acton` (`ReadyRequest`) answer: ready iff every check passed. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: readonly ReadinessCheck[];
}

/** How long the socket probe waits for the listener to accept. */
const SOCKET_PROBE_TIMEOUT_MS = 2000;

/**
 * Readiness of a running app for orchestrators: the app is running (every actor started, not
 * closing), its IPC socket accepts a connection (when it has a listener), and its cluster node
 * is connected (when clustered and the node reports `connected`).
 */
export async function checkReadiness(app: ActonApp): Promise<Readiness> {
  const checks: ReadinessCheck[] = [];
  checks.push(
    app.state === 'running'
      ? { name: 'app-running', ok: true }
      : { name: 'app-running', ok: false, detail: `app is ${app.state}` },
  );
  const listener = app.extension<{ socketPath: string }>('ipc');
  if (listener) checks.push(await probeSocket(() => listener.socketPath));
  const cluster = app.extension<{ connected?: unknown }>('cluster');
  if (cluster && typeof cluster.connected === 'boolean') {
    checks.push(
      cluster.connected
        ? { name: 'cluster-connected', ok: true }
        : {
            name: 'cluster-connected',
            ok: false,
            detail: 'the cluster node is not connected to NATS',
          },
    );
  }
  return { ready: checks.every((check) => check.ok), checks };
}

async function probeSocket(pathOf: () => string): Promise<ReadinessCheck> {
  let path: string;
  try {
    path = pathOf();
  } catch (err) {
    return {
      name: 'socket-accepting',
      ok: false,
      detail: err instanceof Error ? err.message : String(err),
    };
  }
  return new Promise((resolve) => {
    const socket = connect(path);
    const finish = (check: ReadinessCheck): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(check);
    };
    const timer = setTimeout(
      () =>
        finish({
          name: 'socket-accepting',
          ok: false,
          detail: `no accept on ${path} within ${SOCKET_PROBE_TIMEOUT_MS} ms`,
        }),
      SOCKET_PROBE_TIMEOUT_MS,
    );
    socket.once('connect', () => finish({ name: 'socket-accepting', ok: true }));
    socket.once('error', (err) =>
      finish({
        name: 'socket-accepting',
        ok: false,
        detail: `${path}: ${err.message}`,
      }),
    );
  });
}
