import { unlinkSync } from 'node:fs';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ActonApp, AppExtension, DynamicModule, Module } from 'acton-ts';
import { startObservedApp } from './fixtures/observed-app';

/**
 * A cluster node as the metrics see one: an app extension of kind 'cluster' with `stats()` and
 * `connected` (read duck-typed, so lib/observability never imports lib/cluster).
 */
class ClusterNodeStandIn implements AppExtension {
  readonly kind = 'cluster';
  connected = true;
  remoteCallsSent = 0;

  async start(): Promise<void> {}
  async drain(): Promise<void> {}
  async stop(): Promise<void> {}

  stats(): Record<string, unknown> {
    return {
      remoteCallsSent: this.remoteCallsSent,
      remoteCallsFailed: { TIMEOUT: 2 },
      inFlight: 1,
      peers: 3,
    };
  }
}

@Module({})
class ClusterStandInModule {
  static node = new ClusterNodeStandIn();

  static forRoot(): DynamicModule {
    return {
      module: ClusterStandInModule,
      extensions: [() => ClusterStandInModule.node],
    };
  }
}

describe('MetricsModule with a cluster node, and readiness', () => {
  let app: ActonApp;

  beforeAll(async () => {
    app = await startObservedApp({ port: 0 }, [ClusterStandInModule.forRoot()]);
  });

  afterAll(() => app.close());

  it("exports the cluster node's figures per node, read at scrape time", async () => {
    ClusterStandInModule.node.remoteCallsSent = 7;
    const text = await (await fetch(`${app.extension('metrics')!.url}/metrics`)).text();
    const families = new Map(
      (
        parsePrometheusTextFormat(text) as {
          name: string;
          type: string;
          metrics: { value: string; labels?: Record<string, string> }[];
        }[]
      ).map((f) => [f.name, f]),
    );
    expect(families.get('acton_cluster_remote_calls_sent_total')).toMatchObject({
      type: 'COUNTER',
      metrics: [{ value: '7' }],
    });
    expect(families.get('acton_cluster_remote_calls_failed_total')).toMatchObject({
      type: 'COUNTER',
      metrics: [{ value: '2', labels: { code: 'TIMEOUT' } }],
    });
    expect(families.get('acton_cluster_peers')).toMatchObject({
      type: 'GAUGE',
      metrics: [{ value: '3' }],
    });
    expect(families.get('acton_cluster_in_flight')).toMatchObject({
      type: 'GAUGE',
      metrics: [{ value: '1' }],
    });
    expect(app.extension('metrics')!.stats().cluster).toMatchObject({
      remoteCallsSent: 7,
      peers: 3,
    });
  });

  it('is not ready (503, naming the failed check) while the cluster node is disconnected', async () => {
    const url = `${app.extension('metrics')!.url}/readyz`;
    ClusterStandInModule.node.connected = false;
    const down = await fetch(url);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      ready: false,
      checks: [
        { name: 'app-running', ok: true },
        { name: 'socket-accepting', ok: true },
        {
          name: 'cluster-connected',
          ok: false,
          detail: 'the cluster node is not connected to NATS',
        },
      ],
    });
    ClusterStandInModule.node.connected = true;
    expect((await fetch(url)).status).toBe(200);
  });

  it('checks the socket without connecting to it, and names a removed socket file', async () => {
    const other = await startObservedApp({ port: 0 });
    const url = `${other.extension('metrics')!.url}/readyz`;
    for (let i = 0; i < 3; i++) expect((await fetch(url)).status).toBe(200);
    expect(other.listener!.stats().connectionsAccepted).toBe(0);
    unlinkSync(other.listener!.socketPath);
    const response = await fetch(url);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { checks: { name: string; ok: boolean; detail?: string }[] };
    expect(body.checks.find((c) => c.name === 'socket-accepting')).toMatchObject({
      ok: false,
      detail: expect.stringContaining(`${other.listener!.socketPath}: the socket file is gone`),
    });
    await other.close();
  });

  it('reports the socket as not accepting once the listener stopped, and the app as closing', async () => {
    const other = await startObservedApp({ port: 0 });
    const url = `${other.extension('metrics')!.url}/readyz`;
    await other.listener!.stop();
    const response = await fetch(url);
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      checks: { name: string; ok: boolean; detail?: string }[];
    };
    expect(body.checks.find((c) => c.name === 'socket-accepting')).toMatchObject({
      ok: false,
      detail: expect.stringContaining(other.listener!.socketPath),
    });
    await other.close();
  });
});
