import { ActonApp } from 'acton-ts';
import { ActonClient } from 'acton-ts/client';
import { ClusterModule } from 'acton-ts/cluster';
import { AppStats } from 'acton-ts/observability';
import { NatsServerProcess, startNatsServer } from '../cluster/support/nats-server';
import { pollUntil } from '../cluster/support/poll';
import { startObservedApp } from './fixtures/observed-app';

jest.setTimeout(120_000);

/**
 * `$acton` describes the node whose socket you ask (`acton stats`, `acton top`, `acton ping --ready`
 * through node B must be about node B), so it is node-local in a cluster, never a singleton that
 * one node answers for all.
 */
describe('the $acton system actor in a cluster', () => {
  const running: { nats?: NatsServerProcess; apps: ActonApp[] } = { apps: [] };
  afterAll(async () => {
    await Promise.all(running.apps.map((app) => app.close()));
    await running.nats?.stop();
  });

  /** A node with MetricsModule ($acton) and IPC, joined to the suite's cluster. */
  async function node(nodeId: string): Promise<ActonApp> {
    running.nats ??= await startNatsServer();
    const servers = running.nats.url;
    const cluster = ClusterModule.forRoot({ servers, cluster: 'sys', nodeId, heartbeatMs: 200, nodeTimeoutMs: 1500 });
    const app = await startObservedApp({ port: 0 }, [cluster]);
    running.apps.push(app);
    return app;
  }

  it("answers on every node for that node: stats over node B's socket are node B's", async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await pollUntil('B sees A', async () => (b.cluster!.nodes().some((n) => n.nodeId === 'node-a') ? true : undefined));
    expect(a.cluster!.serves('calculator')).toBe(true); // A's singletons: B only stands by
    expect(b.cluster!.serves('calculator')).toBe(false);

    const client = await ActonClient.connect({ socketPath: b.listener!.socketPath });
    try {
      const stats = await client.request<AppStats>('$acton', 'StatsRequest', {});
      expect(stats.listener!.activeConnections).toBe(1);
      expect(stats.listener!.connectionsAccepted).toBe(b.listener!.stats().connectionsAccepted);
      expect(a.listener!.stats().connectionsAccepted).toBe(0);
    } finally {
      await client.close();
    }
  });
});
