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

/**
 * Readiness of a running app for orchestrators: the app is running (every actor started, not
 * closing), its IPC listener takes connections (when it has one: listening, and the file at its
 * path is still its socket; checked without connecting, so a probe adds nothing to the
 * listener's `connectionsAccepted`), and its cluster node is connected (when clustered and the
 * node reports `connected`).
 */
export async function checkReadiness(app: ActonApp): Promise<Readiness> {
  const checks: ReadinessCheck[] = [];
  checks.push(
    app.state === 'running'
      ? { name: 'app-running', ok: true }
      : { name: 'app-running', ok: false, detail: `app is ${app.state}` },
  );
  const listener = app.extension<{ notAcceptingReason(): string | undefined }>('ipc');
  if (listener) {
    const reason = listener.notAcceptingReason();
    checks.push(
      reason === undefined
        ? { name: 'socket-accepting', ok: true }
        : { name: 'socket-accepting', ok: false, detail: reason },
    );
  }
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
