import { setTimeout as sleep } from 'node:timers/promises';
import { ActonApp, bootstrap, InMemoryKeyedStateStore, KeyedStateStore, Module } from 'acton-ts';
import { ClusterModule, JetStreamKeyedStateStore } from 'acton-ts/cluster';
import { recordingLogger } from '../support/ipc-test-app';
import { KeyedAdd, TallyActor, TallyReply } from './fixtures/keyed-actors';
import { NatsServerProcess, startNatsServer } from './support/nats-server';
import { pollUntil } from './support/poll';

jest.setTimeout(120_000);

const add = (by: number): KeyedAdd => Object.assign(new KeyedAdd(), { by });

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

/**
 * Calls to keys wait while their key cannot be served yet, on a real nats-server: while no live
 * node declares the keyed actor (every host gone), and while the key's activation cannot start
 * (its state cannot be read). Only the call's deadline ends the wait; a name no node ever
 * declared fails `ACTOR_NOT_FOUND` at once.
 */
describe('cluster: calls to keys wait for a node and for their activation', () => {
  let nats: NatsServerProcess;
  const apps: ActonApp[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await nats?.stop();
  });

  async function node(cluster: string, nodeId: string, store?: KeyedStateStore): Promise<ActonApp> {
    @Module({
      imports: [ClusterModule.forRoot({ servers: nats.url, cluster, nodeId, heartbeatMs: 100, nodeTimeoutMs: 600 })],
      actors: nodeId.startsWith('host') ? [TallyActor] : [], // 'client' and 'caller' host nothing
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

  it('a call made while no live node hosts the keyed actor waits for one and is answered; an unknown name fails at once', async () => {
    const host = await node('nohost', 'host-1');
    const client = await node('nohost', 'client');
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
    const host = await node('flaky', 'host-1', shared);
    const caller = await node('flaky', 'caller', shared);
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
});
