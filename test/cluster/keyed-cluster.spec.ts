import { setTimeout as sleep } from 'node:timers/promises';
import { ActonApp, bootstrap, InMemoryKeyedStateStore, KeyedStateStore, Module } from 'acton-ts';
import { ClusterModule, JetStreamKeyedStateStore, rendezvousScore } from 'acton-ts/cluster';
import { recordingLogger } from '../support/ipc-test-app';
import { KeyedAdd, KeyedWhere, TallyActor, TallyReply } from './fixtures/keyed-actors';
import { NatsServerProcess, startNatsServer } from './support/nats-server';
import { pollUntil } from './support/poll';

jest.setTimeout(120_000);

/** A state store whose first `failures` loads of one key fail, as a store timing out would. */
class FlakyStore extends InMemoryKeyedStateStore {
  loadsFailed = 0;

  constructor(
    private readonly flakyKey: string,
    private failures: number,
  ) {
    super();
  }

  override async load(actor: string, key: string): Promise<unknown> {
    if (key === this.flakyKey && this.failures > 0) {
      this.failures--;
      this.loadsFailed++;
      throw new Error('timeout');
    }
    return super.load(actor, key);
  }
}

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

  /** A node of `cluster`: hosting `tally` unless `hosts` is false; state in JetStream unless `store` is given. */
  async function node(
    cluster: string,
    nodeId: string,
    { hosts = true, store }: { hosts?: boolean; store?: KeyedStateStore } = {},
  ): Promise<ActonApp> {
    @Module({
      imports: [ClusterModule.forRoot({ servers: nats.url, cluster, nodeId, heartbeatMs: 100, nodeTimeoutMs: 600 })],
      actors: hosts ? [TallyActor] : [],
      providers: [
        store
          ? { provide: KeyedStateStore, useValue: store }
          : { provide: KeyedStateStore, useClass: JetStreamKeyedStateStore },
      ],
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

  it('a call made while no live node hosts the keyed actor waits for one and is answered; an unknown name fails at once', async () => {
    const host = await node('nohost', 'host-1');
    const client = await node('nohost', 'client', { hosts: false });
    await pollUntil('client sees the host', async () => (client.cluster!.nodes().length === 2 ? true : undefined));
    expect((await client.ask<TallyReply>('tally/k', add(1))).count).toBe(1);

    await host.close(); // its keys passivate (state saved) and it says goodbye: no node hosts 'tally' now
    apps.splice(apps.indexOf(host), 1);
    await pollUntil('client forgot the host', async () => (client.cluster!.nodes().length === 1 ? true : undefined));

    let settled = false;
    const waiting = client.ask<TallyReply>('tally/k', add(10), { timeoutMs: 60_000 }).finally(() => (settled = true));
    // A call with a short deadline ends by that deadline, not ACTOR_NOT_FOUND.
    await expect(client.ask('tally/other', add(1), { timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    // A name no node ever declared is not waited for.
    await expect(client.ask('nosuch/k', add(1))).rejects.toMatchObject({ code: 'ACTOR_NOT_FOUND' });
    await sleep(500);
    expect(settled).toBe(false);

    await node('nohost', 'host-2'); // a node hosting 'tally' comes up: the waiting call goes to it
    const reply = await waiting;
    expect(reply).toMatchObject({ key: 'k', count: 11 });
  });

  it('a key whose state cannot be loaded refuses its calls with a typed error; the cluster re-sends them until answered', async () => {
    // Without a cluster: the caller gets the typed error, which says the call did not run.
    const store = new FlakyStore('flaky', 1);
    @Module({ actors: [TallyActor], providers: [{ provide: KeyedStateStore, useValue: store }] })
    class LocalModule {}
    const local = await bootstrap(LocalModule, { logger: recordingLogger([]) });
    apps.push(local);
    await expect(local.ask('tally/flaky', add(1))).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringMatching(/could not activate: its saved state could not be loaded \(timeout\).*sent again/),
    });
    expect((await local.ask<TallyReply>('tally/flaky', add(1))).count).toBe(1);

    // In a cluster: the calls that waited for the failed activation are sent again, and answered.
    const shared = new FlakyStore('flaky', 3);
    const host = await node('flaky', 'host', { store: shared });
    const caller = await node('flaky', 'caller', { hosts: false, store: shared });
    await pollUntil('caller sees the host', async () => (caller.cluster!.nodes().length === 2 ? true : undefined));
    const replies = await Promise.all([
      caller.ask<TallyReply>('tally/flaky', add(1)),
      caller.ask<TallyReply>('tally/flaky', add(1)),
      host.ask<TallyReply>('tally/flaky', add(1)),
    ]);
    expect(replies.map((reply) => reply.count).sort()).toEqual([1, 2, 3]);
    expect(shared.loadsFailed).toBe(3);
    expect(caller.cluster!.stats().keyed.callsResent + host.cluster!.stats().keyed.callsResent).toBeGreaterThan(0);
  });

  it("tells refused by a leaving node are sent again to the key's new node during a rolling restart, never twice", async () => {
    const cluster = 'rolling-tells';
    const hosts = new Map<string, ActonApp>();
    for (const id of ['r-1', 'r-2']) hosts.set(id, await node(cluster, id));
    const client = await node(cluster, 'client', { hosts: false });
    await pollUntil('client sees both hosts', async () => (client.cluster!.nodes().length === 3 ? true : undefined));
    const keys = Array.from({ length: 60 }, (_, i) => `t-${i}`);
    const acked = new Map<string, number>(keys.map((key) => [key, 0]));
    const rejected: string[] = [];
    let stop = false;
    // One tell in flight per key: its receipt resolves once a mailbox of the key took it.
    const loops = keys.map(async (key) => {
      while (!stop) {
        try {
          await client.tell(`tally/${key}`, add(1));
          acked.set(key, acked.get(key)! + 1);
        } catch (err) {
          rejected.push(`${key}: ${(err as { code?: string }).code ?? ''} ${String(err)}`);
        }
        await sleep(10);
      }
    });
    // Whether a tell reaches a node in the moment it leaves is a race: rolling restarts go on (at
    // most 4 rounds) until one was refused and re-sent, so the test always exercises the re-send.
    try {
      for (let round = 0; round < 4 && client.cluster!.stats().keyed.tellsResent === 0; round++) {
        for (const id of ['r-1', 'r-2']) {
          await sleep(400);
          const leaving = hosts.get(id)!;
          await leaving.close(); // a clean leave: its keys hand over, tells sent to it meanwhile are refused
          apps.splice(apps.indexOf(leaving), 1);
          hosts.set(id, await node(cluster, id));
        }
        await sleep(400);
      }
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    expect(rejected.slice(0, 5)).toEqual([]);
    expect(client.cluster!.stats().keyed.tellsResent).toBeGreaterThan(0);
    // Re-sent only when refused before any mailbox took it: no tell was applied twice.
    for (const key of keys) {
      const { count } = await client.ask<TallyReply>(`tally/${key}`, new KeyedWhere(), { timeoutMs: 20_000 });
      expect(count).toBeLessThanOrEqual(acked.get(key)!);
    }
    expect([...acked.values()].reduce((sum, n) => sum + n, 0)).toBeGreaterThan(keys.length);
  });
});
