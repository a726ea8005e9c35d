import { unlinkSync } from 'node:fs';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ActonApp, bootstrap, Module } from 'acton-ts';
import { ClusterModule } from 'acton-ts/cluster';
import { runActon } from '../cli/support/run-acton';
import { CounterActor, Increment, Slow } from '../cluster/fixtures/cluster-actors';
import { KeyedAdd, TallyActor, TallyReply } from '../cluster/fixtures/keyed-actors';
import { NatsServerProcess, startNatsServer } from '../cluster/support/nats-server';
import { pollUntil } from '../cluster/support/poll';
import { recordingLogger } from '../support/ipc-test-app';
import { Add, AddResult, startObservedApp } from './fixtures/observed-app';

jest.setTimeout(60_000);

/** One metric family as parse-prometheus-text-format returns it. */
interface Family {
  name: string;
  type: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}

/** The keyed actor `tally`, served by the observed app. */
@Module({ actors: [TallyActor] })
class TallyModule {}

/** Heartbeats every 100 ms: joins and reconnects are seen within a few hundred ms. */
const CLUSTER_TIMING = { cluster: 'observed', heartbeatMs: 100, nodeTimeoutMs: 600 };

const READY_CHECKS = [
  { name: 'app-running', ok: true },
  { name: 'socket-accepting', ok: true },
  { name: 'cluster-connected', ok: true },
];

/**
 * An app with IPC, `MetricsModule` and a real `ClusterModule` node on a real nats-server, as a
 * user sees it: `/metrics` (the cluster series), `/readyz` and `acton ping --ready` while NATS is
 * up, after it stopped, and after it restarted. A second node (`peer`, in this process) serves
 * `counter` and calls this app's `calculator`.
 */
describe('MetricsModule and readiness of an app that is a cluster node', () => {
  let nats: NatsServerProcess;
  let app: ActonApp;
  let peer: ActonApp | undefined;
  const logged: string[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    app = await startObservedApp(
      { port: 0 },
      [TallyModule, ClusterModule.forRoot({ servers: nats.url, nodeId: 'observed', ...CLUSTER_TIMING })],
      { logger: recordingLogger(logged) },
    );
  });

  afterAll(async () => {
    await peer?.close();
    await app?.close();
    await nats?.stop();
  });

  async function scrape(): Promise<Map<string, Family>> {
    const text = await (await fetch(`${app.extension('metrics')!.url}/metrics`)).text();
    return new Map((parsePrometheusTextFormat(text) as Family[]).map((family) => [family.name, family]));
  }

  /** The one sample of an unlabelled family, or the sample with `labels`; undefined when absent. */
  async function sample(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const family = (await scrape()).get(name);
    const metric = family?.metrics.find((m) =>
      Object.entries(labels).every(([label, value]) => m.labels?.[label] === value),
    );
    return metric === undefined ? undefined : Number(metric.value);
  }

  async function readyz(): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${app.extension('metrics')!.url}/readyz`);
    return { status: response.status, body: await response.json() };
  }

  /** The second node (no IPC, no metrics): serves `counter`. */
  async function startPeer(): Promise<ActonApp> {
    @Module({
      imports: [ClusterModule.forRoot({ servers: nats.url, nodeId: 'peer', ...CLUSTER_TIMING })],
      actors: [CounterActor],
    })
    class PeerModule {}
    return bootstrap(PeerModule, { logger: recordingLogger([]) });
  }

  it("exports the cluster node's figures at scrape time: membership, remote calls sent and served", async () => {
    const before = await scrape();
    expect(before.get('acton_cluster_peers')).toMatchObject({ type: 'GAUGE', metrics: [{ value: '0' }] });
    expect(before.get('acton_cluster_remote_calls_sent_total')).toMatchObject({
      type: 'COUNTER',
      metrics: [{ value: '0' }],
    });

    peer = await startPeer();
    await pollUntil('the scrape shows the peer', async () =>
      (await sample('acton_cluster_peers')) === 1 ? true : undefined,
    );
    await pollUntil('the peer sees the observed app serve calculator', async () =>
      peer!
        .cluster!.nodes()
        .some(
          (node) =>
            node.nodeId === 'observed' && node.actors.some((actor) => actor.name === 'calculator' && actor.serving),
        )
        ? true
        : undefined,
    );
    for (let i = 1; i <= 3; i++) {
      const reply = await app.ask<{ total: number }>('counter', Object.assign(new Increment(), { by: 1 }));
      expect(reply.total).toBe(i);
    }
    for (let i = 0; i < 2; i++) {
      expect(await peer.ask<AddResult>('calculator', Object.assign(new Add(), { a: 2, b: 3 }))).toEqual({ sum: 5 });
    }

    for (const key of ['a', 'b']) {
      const tally = await app.ask<TallyReply>(`tally/${key}`, Object.assign(new KeyedAdd(), { by: 1 }));
      expect(tally).toMatchObject({ key, count: 1 });
    }

    const after = await scrape();
    const value = (name: string): string | undefined => after.get(name)?.metrics[0]?.value;
    expect(after.get('acton_cluster_remote_calls_sent_total')).toMatchObject({
      type: 'COUNTER',
      metrics: [{ value: '3' }],
    });
    expect(value('acton_cluster_remote_calls_received_total')).toBe('2');
    expect(after.get('acton_cluster_peers')).toMatchObject({ type: 'GAUGE', metrics: [{ value: '1' }] });
    expect(value('acton_cluster_membership_changes_total')).toBe('1');
    expect(after.get('acton_cluster_in_flight')).toMatchObject({ type: 'GAUGE', metrics: [{ value: '0' }] });
    expect(Number(value('acton_cluster_bytes_sent_total'))).toBeGreaterThan(0);
    expect(Number(value('acton_cluster_bytes_received_total'))).toBeGreaterThan(0);
    expect(after.get('acton_cluster_remote_calls_failed_total')?.metrics).toEqual([]);
    expect(after.get('acton_cluster_keyed_active')).toMatchObject({
      type: 'GAUGE',
      metrics: [{ value: '2', labels: { actor: 'tally' } }],
    });
    expect(after.get('acton_cluster_keyed_activations_total')).toMatchObject({
      type: 'COUNTER',
      metrics: [{ value: '2', labels: { actor: 'tally' } }],
    });
    expect(value('acton_cluster_keyed_passivations_total')).toBe('0');
    expect(after.get('acton_cluster_keyed_leases_held')).toMatchObject({ type: 'GAUGE', metrics: [{ value: '2' }] });
    expect(value('acton_cluster_keyed_moves_total')).toBe('0');
    expect(after.has('acton_cluster_keyed_total')).toBe(false);
    expect(app.extension('metrics')!.stats().cluster).toMatchObject({
      remoteCallsSent: 3,
      remoteCallsReceived: 2,
      peers: 1,
    });
  });

  it('is not ready, naming cluster-connected, while nats-server is down, and ready again after it restarts', async () => {
    expect(await readyz()).toEqual({ status: 200, body: { ready: true, checks: READY_CHECKS } });

    // A call in flight when NATS goes away fails CONNECTION_CLOSED, and is counted under that code.
    const inFlight = app.ask('counter', Object.assign(new Slow(), { ms: 2000 }), { timeoutMs: 20_000 });
    inFlight.catch(() => undefined);
    expect(await sample('acton_cluster_in_flight')).toBe(1);
    await nats.stop(false);
    await expect(inFlight).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });

    const down = await pollUntil('readyz reports not ready', async () => {
      const answer = await readyz();
      return answer.status === 503 ? answer.body : undefined;
    });
    expect(down).toEqual({
      ready: false,
      checks: [
        { name: 'app-running', ok: true },
        { name: 'socket-accepting', ok: true },
        { name: 'cluster-connected', ok: false, detail: 'the cluster node is not connected to NATS' },
      ],
    });
    expect(await sample('acton_cluster_remote_calls_failed_total', { code: 'CONNECTION_CLOSED' })).toBe(1);
    expect(await sample('acton_cluster_in_flight')).toBe(0);
    expect(logged).toContainEqual(expect.stringMatching(/^warn Cluster node 'observed': connection to NATS lost/));

    const ping = await runActon(['--socket', app.listener!.socketPath, 'ping', '--count', '1', '--ready']);
    expect(ping.stdout).toMatch(/cluster-connected/);
    expect(ping.stderr).toContain('not ready: cluster-connected');
    expect(ping.code).toBe(1);

    await nats.restart();
    const up = await pollUntil('readyz reports ready again', async () => {
      const answer = await readyz();
      return answer.status === 200 ? answer.body : undefined;
    });
    expect(up).toEqual({ ready: true, checks: READY_CHECKS });
    expect(logged).toContain("info Cluster node 'observed': reconnected to NATS");
    const total = await pollUntil('a remote call succeeds again', async () =>
      app.ask<{ total: number }>('counter', Object.assign(new Increment(), { by: 1 })),
    );
    expect(total.total).toBe(4);
    await pollUntil('the scrape shows the peer again', async () =>
      (await sample('acton_cluster_peers')) === 1 ? true : undefined,
    );
  });

  it('drops the peer from the membership gauge when it leaves', async () => {
    await peer!.close();
    peer = undefined;
    await pollUntil('the scrape shows no peer', async () =>
      (await sample('acton_cluster_peers')) === 0 ? true : undefined,
    );
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
