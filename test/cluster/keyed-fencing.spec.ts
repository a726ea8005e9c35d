import { ActonApp, bootstrap, KeyedStateStore, Module } from 'acton-ts';
import { ClusterModule, JetStreamKeyedStateStore, rendezvousScore } from 'acton-ts/cluster';
import { recordingLogger } from '../support/ipc-test-app';
import { ChaosAdd, ChaosReply, ChaosTallyActor } from './fixtures/keyed-actors';
import { ClusterNodeProcess, startClusterNode } from './support/cluster-node-process';
import { NatsServerProcess, startNatsServer } from './support/nats-server';
import { pollUntil } from './support/poll';

jest.setTimeout(180_000);

const HEARTBEAT_MS = 100;
const NODE_TIMEOUT_MS = 1_000;

const add = (seq: number): ChaosAdd => Object.assign(new ChaosAdd(), { seq });

/**
 * Fencing of keyed actors, on a real nats-server: a node whose node lease lapsed (its process
 * frozen with SIGSTOP) runs nothing more for its keys, and a state write that comes after another
 * activation wrote the key is refused (compare-and-set on the revision read at activation).
 */
describe('cluster: keyed actors are fenced by node lease and state revision', () => {
  let nats: NatsServerProcess;
  const apps: ActonApp[] = [];
  const processes: ClusterNodeProcess[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    for (const node of processes) {
      process.kill(node.pid, 'SIGCONT');
      await node.kill();
    }
    await Promise.all(apps.map((app) => app.close()));
    await nats?.stop();
  });

  async function app(cluster: string, nodeId: string, hostsKeys: boolean): Promise<ActonApp> {
    @Module({
      imports: [
        ClusterModule.forRoot({
          servers: nats.url,
          cluster,
          nodeId,
          heartbeatMs: HEARTBEAT_MS,
          nodeTimeoutMs: NODE_TIMEOUT_MS,
        }),
      ],
      actors: hostsKeys ? [ChaosTallyActor] : [],
      providers: [{ provide: KeyedStateStore, useClass: JetStreamKeyedStateStore }],
    })
    class NodeModule {}
    const started = await bootstrap(NodeModule, { logger: recordingLogger([]) });
    apps.push(started);
    return started;
  }

  it("refuses a stale activation's state write once another writer changed the key, and reloads", async () => {
    const host = await app('cas', 'host', true);
    const other = await app('cas', 'other', false);
    await pollUntil('other sees host', async () => (other.cluster!.nodes().length === 2 ? true : undefined));
    expect((await other.ask<ChaosReply>('chaos/k', add(1))).count).toBe(1);
    // Another writer (here an app that does not host the key) changes the state behind the activation's back.
    const store = other.get(KeyedStateStore);
    await store.load('chaos', 'k');
    await store.save('chaos', 'k', { count: 40, lastSeq: 40 });
    // The activation still holds count 1 from revision it read: its write is refused, nothing is overwritten.
    await expect(other.ask('chaos/k', add(2))).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringContaining('another activation wrote it'),
    });
    expect(await store.load('chaos', 'k')).toEqual({ count: 40, lastSeq: 40 });
    // The stale activation was passivated: the next call activates the key again with the stored state.
    await pollUntil('stale activation gone', async () => (host.keyedActor('chaos')!.isActive('k') ? undefined : true));
    expect((await other.ask<ChaosReply>('chaos/k', add(41))).count).toBe(41);
    expect(await store.load('chaos', 'k')).toEqual({ count: 41, lastSeq: 41 });
  });

  it("refuses a state write from a node that does not hold the key's claim", async () => {
    const host = await app('claim', 'host', true);
    const store = host.get(KeyedStateStore);
    await expect(store.save('chaos', 'never-activated', { count: 1, lastSeq: 1 })).rejects.toThrow(
      /no longer holds the key's claim/,
    );
    expect(await store.load('chaos', 'never-activated')).toBeUndefined();
  });

  it('a frozen node stops serving its keys before another node takes them, and its stale activation never runs', async () => {
    const cluster = `freeze${process.pid}`;
    const settings = { natsUrl: nats.url, cluster, socket: '', fixture: 'keyed-node.ts' };
    const timing = { heartbeatMs: HEARTBEAT_MS, nodeTimeoutMs: NODE_TIMEOUT_MS };
    const frozen = await startClusterNode({ ...settings, ...timing, nodeId: 'frozen' });
    processes.push(frozen);
    const standby = await startClusterNode({ ...settings, ...timing, nodeId: 'standby' });
    processes.push(standby);
    const client = await app(cluster, 'client', false);
    await pollUntil('client sees both nodes', async () => (client.cluster!.nodes().length === 3 ? true : undefined));
    // A key that lives on the node to be frozen while both are up.
    const key = Array.from({ length: 100 }, (_, i) => `f-${i}`).find(
      (candidate) => rendezvousScore('frozen', 'chaos', candidate) > rendezvousScore('standby', 'chaos', candidate),
    )!;
    const first = await client.ask<ChaosReply>(`chaos/${key}`, add(1));
    expect(first.activation).toMatch(/^frozen:/);
    process.kill(frozen.pid, 'SIGSTOP');
    try {
      // Sent while the node is frozen: it waits (not started there), then runs on the standby.
      const second = await client.ask<ChaosReply>(`chaos/${key}`, add(2), { timeoutMs: 20_000 });
      expect(second.activation).toMatch(/^standby:/);
      expect(second.count).toBe(2);
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
    }
    // Thawed, the node finds its lease lapsed and stops its activation; the key's calls keep one
    // activation at a time wherever placement puts it, and the count goes on from the stored one.
    const third = await client.ask<ChaosReply>(`chaos/${key}`, add(3), { timeoutMs: 20_000 });
    expect(third.count).toBe(3);
    expect(third.activation).not.toBe(first.activation);
    expect(await client.get(KeyedStateStore).load('chaos', key)).toEqual({ count: 3, lastSeq: 3 });
    expect(client.cluster!.stats().keyed.callsResent).toBeGreaterThan(0);
  });
});
