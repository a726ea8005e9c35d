import { firstValueFrom, toArray, filter, take } from 'rxjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActonApp, ActorError, bootstrap, IpcModule, Module } from 'acton-ts';
import { ActonClient } from 'acton-ts/client';
import { ClusterModule, ClusterModuleOptions, MembershipEvent, resolveClusterOptions } from 'acton-ts/cluster';
import { recordingLogger } from '../support/ipc-test-app';
import {
  CounterActor,
  CountTo,
  EchoActor,
  GateActor,
  Increment,
  Note,
  NoteHeads,
  Received,
  Slow,
  SlowCalls,
  WhoAmI,
} from './fixtures/cluster-actors';
import { INSTALL_NATS, NatsServerProcess, requireNatsServer, startNatsServer } from './support/nats-server';
import { pollUntil } from './support/poll';

jest.setTimeout(120_000);

/** Apps in this process joined to one cluster: app.ask / tell / stream by name, membership, leases, limits. */
describe('cluster: apps in one process on a real nats-server', () => {
  let nats: NatsServerProcess;
  const apps: ActonApp[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await nats?.stop();
  });

  /**
   * A node of `cluster`. No test here fails a node over by its timeout (leaves are clean), so the
   * node timeout is the default 3 s: a singleton's owner gives its lease up after half of it without
   * a renewal, and this process (both nodes, 2.4 MB of notes) stalls past 750 ms on a loaded
   * machine: with 1.5 s the owner dropped `counter` for ~200 ms mid-test, and the calls it
   * received meanwhile failed.
   */
  async function node(cluster: string, nodeId: string, extra: ClusterModuleOptions = {}): Promise<ActonApp> {
    @Module({
      imports: [
        ClusterModule.forRoot({ servers: nats.url, cluster, nodeId, heartbeatMs: 200, nodeTimeoutMs: 3000, ...extra }),
      ],
      actors: [CounterActor, EchoActor, GateActor],
    })
    class NodeModule {}
    const app = await bootstrap(NodeModule, { logger: recordingLogger([]) });
    apps.push(app);
    return app;
  }

  it('reaches a singleton on another node with app.ask, app.tell and app.stream by name', async () => {
    const owner = await node('transparent', 'owner');
    const caller = await node('transparent', 'caller');
    expect(owner.cluster!.serves('counter')).toBe(true);
    expect(caller.cluster!.serves('counter')).toBe(false);
    await pollUntil('caller sees owner', async () =>
      caller.cluster!.nodes().some((n) => n.nodeId === 'owner') ? true : undefined,
    );
    const reply = await caller.ask<{ total: number }>('counter', Object.assign(new Increment(), { by: 5 }));
    expect(reply.total).toBe(5);
    await caller.tell('counter', Object.assign(new Note(), { text: 'told' }));
    const notes = await pollUntil('tell arrived', async () => {
      const seen = await owner.ask<{ notes: string[] }>('counter', new Received());
      return seen.notes.includes('told') ? seen.notes : undefined;
    });
    expect(notes).toEqual(['told']);
    const items = await firstValueFrom(
      caller.stream<number>('counter', Object.assign(new CountTo(), { n: 300 })).pipe(toArray()),
    );
    expect(items).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const stats = caller.cluster!.stats();
    expect(stats.remoteCallsSent).toBeGreaterThanOrEqual(3);
    expect(stats.bytesSent).toBeGreaterThan(0);
    expect(stats.inFlight).toBe(0);
    expect(owner.cluster!.stats().remoteCallsReceived).toBeGreaterThanOrEqual(3);
    expect(owner.cluster!.stats().singletonsOwned).toBe(2); // counter and gate
  });

  /** A node with an IPC socket and no actors of its own: an entry point to the cluster. */
  async function entryNode(cluster: string, nodeId: string): Promise<{ app: ActonApp; client: ActonClient }> {
    const socket = join(mkdtempSync(join(tmpdir(), 'acton-entry-')), 'entry.sock');
    @Module({
      imports: [
        IpcModule.forRoot({ socket: { path: socket } }),
        ClusterModule.forRoot({ servers: nats.url, cluster, nodeId, heartbeatMs: 200, nodeTimeoutMs: 3000 }),
      ],
    })
    class EntryModule {}
    const app = await bootstrap(EntryModule, { logger: recordingLogger([]) });
    apps.push(app);
    const client = await ActonClient.connect({ socketPath: socket });
    return { app, client };
  }

  it("acknowledges an IPC tell to another node's actor once its mailbox took it, else answers the typed error", async () => {
    const owner = await node('acks', 'owner');
    const { app: entry, client } = await entryNode('acks', 'entry');
    await pollUntil('entry exposes gate', async () =>
      ((await client.discover()).actors ?? []).find((a) => a.name === 'gate'),
    );
    try {
      // The first tell runs on the owner for a while, the next fills its one-message mailbox: an ack
      // given when the message was handed to NATS would say `delivered` to all three.
      const outcomes: string[] = [];
      for (let i = 0; i < 3; i++) {
        outcomes.push(
          await client.send('gate', 'Slow', { ms: i === 0 ? 3000 : 1 }).then(
            () => 'delivered',
            (err: { code: string; message: string }) => `${err.code}: ${err.message}`,
          ),
        );
      }
      expect(outcomes).toEqual(['delivered', 'delivered', 'TARGET_BUSY: Target actor inbox is full']);
      // listener.stats() reports the cluster's remote-call figures too (the listener never imports lib/cluster).
      const remote = entry.listener!.stats().remoteCalls!;
      const cluster = entry.cluster!.stats();
      expect(remote).toEqual({
        sent: cluster.remoteCallsSent,
        received: cluster.remoteCallsReceived,
        failed: { TARGET_BUSY: 1 },
        bytesSent: cluster.bytesSent,
        bytesReceived: cluster.bytesReceived,
        inFlight: 0,
        membershipChanges: cluster.membershipChanges,
      });
      expect(remote.sent).toBe(3);
      expect(remote.bytesReceived).toBeGreaterThan(0);
      expect(remote.membershipChanges).toBeGreaterThanOrEqual(1);
      // The owner stops serving (as when it leaves): the tell is not acknowledged, it fails typed.
      await owner.cluster!.drain();
      await expect(client.send('gate', 'Slow', { ms: 1 })).rejects.toMatchObject({ code: 'ACTOR_NOT_FOUND' });
    } finally {
      await client.close();
    }
  });

  it("carries the caller's deadline to the owner, whose ctx.signal aborts when it passes", async () => {
    const owner = await node('deadline', 'owner');
    const caller = await node('deadline', 'caller');
    await pollUntil('caller sees owner', async () =>
      caller.cluster!.nodes().some((n) => n.nodeId === 'owner') ? true : undefined,
    );
    const before = Date.now();
    const slow = caller.ask('counter', Object.assign(new Slow(), { ms: 1500 }), { timeoutMs: 300 });
    await expect(slow).rejects.toMatchObject({ code: 'TIMEOUT' });
    const seen = await pollUntil('owner aborted', async () => {
      const calls = await owner.ask<{ deadlines: number[]; aborts: number }>('counter', new SlowCalls());
      return calls.aborts === 1 ? calls : undefined;
    });
    expect(seen.deadlines).toHaveLength(1);
    expect(seen.deadlines[0]).toBeGreaterThanOrEqual(before + 300);
    expect(seen.deadlines[0]).toBeLessThan(before + 300 + 5000);
  });

  it('speaks MessagePack on NATS with format: msgpack', async () => {
    await node('packed', 'owner', { format: 'msgpack' });
    const caller = await node('packed', 'caller', { format: 'msgpack' });
    await pollUntil('caller sees owner', async () =>
      caller.cluster!.nodes().some((n) => n.nodeId === 'owner') ? true : undefined,
    );
    expect((await caller.ask<{ total: number }>('counter', Object.assign(new Increment(), { by: 7 }))).total).toBe(7);
    const items = await firstValueFrom(
      caller.stream<number>('counter', Object.assign(new CountTo(), { n: 50 })).pipe(toArray()),
    );
    expect(items).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('answers calls made in one turn, batched on the wire and split under max_payload, each in order', async () => {
    await node('batched', 'owner');
    const caller = await node('batched', 'caller');
    await pollUntil('caller sees owner', async () =>
      caller.cluster!.nodes().some((n) => n.nodeId === 'owner') ? true : undefined,
    );
    // 64 small increments in one turn, then 24 notes of 100 kB (2.4 MB together, max_payload 1 MB).
    const increments = Array.from({ length: 64 }, () =>
      caller.ask<{ total: number }>('counter', Object.assign(new Increment(), { by: 1 })),
    );
    const totals = (await Promise.all(increments)).map((reply) => reply.total);
    expect(totals).toEqual(Array.from({ length: 64 }, (_, i) => i + 1)); // one after the other, in call order
    const texts = Array.from({ length: 24 }, (_, i) => `${String(i).padStart(2, '0')}:${'x'.repeat(100_000)}`);
    // Every tell acknowledged by the owner's mailbox (a failure names its code instead of a poll timing out).
    await Promise.all(texts.map((text) => caller.tell('counter', Object.assign(new Note(), { text }))));
    const { heads } = await pollUntil('all notes arrived', async () => {
      const seen = await caller.ask<{ heads: string[] }>('counter', Object.assign(new NoteHeads(), { length: 2 }));
      return seen.heads.length === 24 ? seen : undefined;
    });
    expect(heads).toEqual(texts.map((text) => text.slice(0, 2)));
    expect(caller.cluster!.stats().remoteCallsFailed).toEqual({});
    // A reply NATS cannot carry (all notes, 2.4 MB) fails naming both sizes instead of vanishing.
    const tooBig = caller.ask('counter', new Received());
    await expect(tooBig).rejects.toMatchObject({ code: 'SERIALIZATION_ERROR' });
    await expect(tooBig).rejects.toThrow(
      /A reply is 24\d{5} bytes, more than the NATS server's max_payload of 1048576/,
    );
  });

  it('fails an unknown name ACTOR_NOT_FOUND at once, and a body over max_payload naming both sizes', async () => {
    const app = await node('limits', 'only');
    await expect(app.ask('nobody', new WhoAmI())).rejects.toMatchObject({ code: 'ACTOR_NOT_FOUND' });
    const huge = Object.assign(new Note(), { text: 'x'.repeat(1_200_000) });
    const echo = app.ask('echo', huge);
    await expect(echo).rejects.toBeInstanceOf(ActorError);
    await expect(echo).rejects.toThrow(/1200\d{3} bytes, more than the NATS server's max_payload of 1048576 bytes/);
  });

  it('reports joins and a clean leave at once in the membership Observable and nodes()', async () => {
    const watcher = await node('membership', 'watcher');
    const events: MembershipEvent[] = [];
    const subscription = watcher.cluster!.membership.subscribe((event) => events.push(event));
    const leaving = await node('membership', 'leaver');
    await pollUntil('join seen', async () =>
      events.some((e) => e.type === 'join' && e.nodeId === 'leaver') ? true : undefined,
    );
    expect(watcher.cluster!.nodes().map((n) => n.nodeId)).toEqual(['watcher', 'leaver']);
    const left = firstValueFrom(
      watcher.cluster!.membership.pipe(
        filter((e) => e.type === 'leave'),
        take(1),
      ),
    );
    await leaving.close();
    expect(await left).toEqual({ type: 'leave', nodeId: 'leaver', reason: 'shutdown' });
    expect(watcher.cluster!.nodes().map((n) => n.nodeId)).toEqual(['watcher']);
    expect(watcher.cluster!.stats().membershipChanges).toBe(2);
    subscription.unsubscribe();
  });

  it('hands a singleton over at once when its owner closes cleanly', async () => {
    const first = await node('handover', 'first');
    const second = await node('handover', 'second');
    expect(first.cluster!.serves('counter')).toBe(true);
    await first.close();
    await pollUntil('second owns counter', async () => (second.cluster!.serves('counter') ? true : undefined), 5000);
    expect((await second.ask<{ total: number }>('counter', Object.assign(new Increment(), { by: 1 }))).total).toBe(1);
  });

  it('never gives a singleton two owners when nodes race for it (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const racers = await Promise.all([
        node(`race${round}`, 'left'),
        node(`race${round}`, 'right'),
        node(`race${round}`, 'middle'),
      ]);
      const owners = racers.filter((app) => app.cluster!.serves('counter'));
      expect(owners).toHaveLength(1);
      await Promise.all(racers.map((app) => app.close()));
    }
  });
});

describe('cluster: configuration', () => {
  it.each([
    [{ heartbeatMs: 0 }, /cluster option heartbeatMs: 0/],
    [{ nodeTimeoutMs: 1500 }, /nodeTimeoutMs: 1500 must be more than twice heartbeatMs \(1000\)/],
    [{ cluster: 'a.b' }, /cluster option cluster: "a.b"; use letters, digits/],
    [{ nodeId: 'has space' }, /cluster option nodeId/],
    [{ servers: 'http://x' }, /cluster option servers: "http:\/\/x" is not a NATS URL/],
    [{ format: 'xml' as never }, /cluster option format: "xml"; use 'json' or 'msgpack'/],
    [{ user: 'u' }, /user\/pass: give both or neither/],
  ])('rejects %j at startup, naming the option', async (options, expected) => {
    @Module({ imports: [ClusterModule.forRoot(options)] })
    class Bad {}
    const started = bootstrap(Bad, { logger: recordingLogger([]) });
    await expect(started).rejects.toThrow(/^Extension 'cluster' failed to start: Invalid cluster option/);
    await expect(started).rejects.toThrow(expected);
  });

  it('makes the cluster suites fail, never skip, with the install command when nats-server is missing', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => requireNatsServer()).toThrow(`Install it with: ${INSTALL_NATS}`);
    } finally {
      process.env.PATH = path;
    }
  });

  it('names the servers and how to start one when NATS is unreachable', async () => {
    @Module({ imports: [ClusterModule.forRoot({ servers: 'nats://127.0.0.1:1' })] })
    class Unreachable {}
    await expect(bootstrap(Unreachable, { logger: recordingLogger([]) })).rejects.toThrow(
      /Cannot reach NATS at nats:\/\/127.0.0.1:1: .*nats-server -js/,
    );
  });

  it('asks for ClusterModule after IpcModule', async () => {
    @Module({ imports: [ClusterModule.forRoot({ servers: 'nats://127.0.0.1:1' }), IpcModule.forRoot()] })
    class WrongOrder {}
    await expect(bootstrap(WrongOrder, { logger: recordingLogger([]) })).rejects.toThrow(
      /must be imported after IpcModule.forRoot\(\)/,
    );
  });

  it('reads ACTON_NATS_URL, ACTON_CLUSTER and ACTON_NODE_ID, which code options beat', () => {
    const env = {
      ACTON_NATS_URL: 'nats://10.0.0.1:4222, nats://10.0.0.2:4222',
      ACTON_CLUSTER: 'prod',
      ACTON_NODE_ID: 'n1',
    };
    const fromEnv = resolveClusterOptions({}, env);
    expect(fromEnv).toMatchObject({
      servers: ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222'],
      cluster: 'prod',
      nodeId: 'n1',
      heartbeatMs: 1000,
      nodeTimeoutMs: 3000,
      format: 'json',
    });
    expect(resolveClusterOptions({ cluster: 'code', nodeId: 'n2', servers: 'nats://h:1' }, env)).toMatchObject({
      servers: ['nats://h:1'],
      cluster: 'code',
      nodeId: 'n2',
    });
  });
});
