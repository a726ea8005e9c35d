import { ActonApp, bootstrap, KeyedStateStore, Module } from 'acton-ts';
import { ClusterModule, JetStreamKeyedStateStore, rendezvousScore } from 'acton-ts/cluster';
import { recordingLogger } from '../support/ipc-test-app';
import { KeyedAdd, TallyActor, TallyReply } from './fixtures/keyed-actors';
import { NatsServerProcess, startNatsServer } from './support/nats-server';
import { pollUntil } from './support/poll';

jest.setTimeout(120_000);

/** Keyed actors on a cluster of apps in this process, on a real nats-server with JetStream. */
describe('cluster: keyed actors', () => {
  let nats: NatsServerProcess;
  const apps: ActonApp[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await nats?.stop();
  });

  async function node(cluster: string, nodeId: string): Promise<ActonApp> {
    @Module({
      imports: [ClusterModule.forRoot({ servers: nats.url, cluster, nodeId, heartbeatMs: 100, nodeTimeoutMs: 600 })],
      actors: [TallyActor],
      providers: [{ provide: KeyedStateStore, useClass: JetStreamKeyedStateStore }],
    })
    class NodeModule {}
    const app = await bootstrap(NodeModule, { logger: recordingLogger([]) });
    apps.push(app);
    return app;
  }

  const add = (by: number): KeyedAdd => Object.assign(new KeyedAdd(), { by });

  it('places each key on the node with the highest rendezvous score, one activation per key, reachable from every node', async () => {
    const a = await node('spread', 'node-a');
    const b = await node('spread', 'node-b');
    await pollUntil('both see each other', async () =>
      a.cluster!.nodes().length === 2 && b.cluster!.nodes().length === 2 ? true : undefined,
    );
    const keys = Array.from({ length: 40 }, (_, i) => `k-${i}`);
    for (const key of keys) {
      const viaA = await a.ask<TallyReply>(`tally/${key}`, add(1));
      const viaB = await b.ask<TallyReply>(`tally/${key}`, add(1));
      expect(viaA.key).toBe(key);
      expect(viaB.count).toBe(2);
      expect(viaB.activation).toBe(viaA.activation);
      const expected =
        rendezvousScore('node-a', 'tally', key) > rendezvousScore('node-b', 'tally', key) ? 'node-a' : 'node-b';
      const host = expected === 'node-a' ? a : b;
      expect(host.keyedActor('tally')!.isActive(key)).toBe(true);
      expect((expected === 'node-a' ? b : a).keyedActor('tally')!.isActive(key)).toBe(false);
    }
    const active = a.cluster!.stats().keyed.actors.tally.active + b.cluster!.stats().keyed.actors.tally.active;
    expect(active).toBe(40);
    expect(a.cluster!.stats().keyed.actors.tally.active).toBeGreaterThan(5);
    expect(b.cluster!.stats().keyed.actors.tally.active).toBeGreaterThan(5);
    expect(a.cluster!.stats().keyed.leasesHeld).toBe(a.cluster!.stats().keyed.actors.tally.active);
  });

  it("moves a node's keys with their saved state when it leaves, and calls during the move are answered", async () => {
    const a = await node('moves', 'node-a');
    const b = await node('moves', 'node-b');
    await pollUntil('both see each other', async () => (a.cluster!.nodes().length === 2 ? true : undefined));
    const keys = Array.from({ length: 30 }, (_, i) => `m-${i}`);
    for (const key of keys) await a.ask(`tally/${key}`, add(5));
    const onB = keys.filter((key) => b.keyedActor('tally')!.isActive(key));
    expect(onB.length).toBeGreaterThan(0);
    const closing = b.close();
    // Calls made while b leaves wait for the key's new activation on a and see the saved count.
    const during = await Promise.all(
      onB.map((key) => a.ask<TallyReply>(`tally/${key}`, add(1), { timeoutMs: 20_000 })),
    );
    await closing;
    for (const reply of during) {
      expect(reply.node).toBeDefined();
      expect(reply.count).toBe(6);
    }
    for (const key of keys) expect(a.keyedActor('tally')!.isActive(key)).toBe(true);
  });

  it('passivates idle keys and releases their leases; the next call re-activates with the saved state', async () => {
    const a = await node('idle', 'node-a');
    await a.ask('tally/i-1', add(3));
    expect(a.cluster!.stats().keyed.leasesHeld).toBe(1);
    await pollUntil('passivated', async () => (a.keyedActor('tally')!.isActive('i-1') ? undefined : true), 10_000);
    await pollUntil('lease released', async () => (a.cluster!.stats().keyed.leasesHeld === 0 ? true : undefined));
    const again = await a.ask<TallyReply>('tally/i-1', add(1));
    expect(again.count).toBe(4);
    expect(a.cluster!.stats().keyed.actors.tally.passivations).toBeGreaterThanOrEqual(1);
  });
});
