import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsInt, Max } from 'class-validator';
import {
  ActonApp,
  Actor,
  bootstrap,
  IpcModule,
  Message,
  MessageContext,
  Module,
  OnMessage,
  TellReceipt,
} from 'acton-ts';
import { ActonClient } from 'acton-ts/client';
import { ClusterModule, rendezvousScore } from 'acton-ts/cluster';
import { recordingLogger } from '../support/ipc-test-app';
import { Increment, Note, NoteHeads, Slow, Stall } from './fixtures/cluster-actors';
import { ClusterNodeProcess, startClusterNode } from './support/cluster-node-process';
import { NatsServerProcess, startNatsServer } from './support/nats-server';
import { pollUntil } from './support/poll';

jest.setTimeout(120_000);

/**
 * This process's `LedgerAdd`: the same wire name as the owner's, with another (older) validator: at
 * most 5 here, at least 1 on the owner. The entry node declares no `ledger` actor and no
 * `LedgerTotal`; the `older` node declares `ledger` with this schema.
 */
@Message('LedgerAdd')
class EntryLedgerAdd {
  @IsInt() @Max(5) amount!: number;
}

/** The `ledger` keyed actor as the `older` node declares it (its own `LedgerAdd` schema). */
@Actor({ name: 'ledger', cluster: 'keyed' })
class OlderLedgerActor {
  private total = 0;

  @OnMessage({ ipc: true })
  add(msg: EntryLedgerAdd, ctx: MessageContext): { key: string | undefined; total: number; node: string } {
    this.total += msg.amount;
    return { key: ctx.key, total: this.total, node: 'older' };
  }
}

interface LedgerReply {
  readonly key: string;
  readonly total: number;
  readonly node: string;
}

const add = (amount: number): EntryLedgerAdd => Object.assign(new EntryLedgerAdd(), { amount });
const note = (text: unknown): Note => Object.assign(new Note(), { text });

/** What a call settled with: the value, or the error's code and message. */
async function outcome(call: PromiseLike<unknown>): Promise<{ code: string; message: string } | { value: unknown }> {
  try {
    return { value: await call };
  } catch (err) {
    const { code, message } = err as { code: string; message: string };
    return { code, message };
  }
}

/**
 * An entry node (an app in this process with an IPC socket, declaring none of the owner's actors)
 * and an owner node process hosting the `counter` singleton and the keyed `ledger` actor: a tell
 * from the entry is settled by the owner's mailbox, and keyed calls are validated by the key's node.
 */
describe('cluster: an entry node calling the actors of an owner node process', () => {
  let nats: NatsServerProcess;
  let owner: ClusterNodeProcess;
  let entry: ActonApp;
  let client: ActonClient;
  const logs: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    nats = await startNatsServer();
    const dir = mkdtempSync(join(tmpdir(), 'acton-entry-'));
    owner = await startClusterNode({
      natsUrl: nats.url,
      cluster: 'entry',
      nodeId: 'owner',
      socket: join(dir, 'owner.sock'),
      fixture: 'owner-node.ts',
    });
    @Module({
      imports: [
        IpcModule.forRoot({ socket: { path: join(dir, 'entry.sock') } }),
        ClusterModule.forRoot({ servers: nats.url, cluster: 'entry', nodeId: 'entry', heartbeatMs: 200 }),
      ],
    })
    class EntryModule {}
    entry = await bootstrap(EntryModule, { logger: recordingLogger(logs) });
    client = await ActonClient.connect({ socketPath: join(dir, 'entry.sock') });
    await pollUntil('the entry routes to the owner', async () =>
      entry.cluster!.nodes().some((node) => node.nodeId === 'owner' && node.actors.length === 3) ? true : undefined,
    );
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await client?.close();
    await entry?.close();
    await owner?.stop();
    await nats?.stop();
  });

  describe('app.tell to an actor on another node', () => {
    it("resolves once the owner's mailbox took the message, and the actor then has it", async () => {
      const receipt = entry.tell('counter', note('told from the entry'));
      expect(receipt).toBeInstanceOf(TellReceipt);
      await expect(receipt).resolves.toBeUndefined();
      const { heads } = await entry.ask<{ heads: string[] }>('counter', Object.assign(new NoteHeads(), { length: 40 }));
      expect(heads).toContain('told from the entry');
    });

    it("rejects with the owner's validation error (SERIALIZATION_ERROR), and the message is not delivered", async () => {
      const heads = async (): Promise<string[]> =>
        (await entry.ask<{ heads: string[] }>('counter', Object.assign(new NoteHeads(), { length: 40 }))).heads;
      const before = await heads();
      const failed = await outcome(entry.tell('counter', note(42)));
      expect(failed).toMatchObject({
        code: 'SERIALIZATION_ERROR',
        message: expect.stringMatching(/text must be a string/),
      });
      expect(await heads()).toEqual(before);
      expect(entry.cluster!.stats().remoteCallsFailed.SERIALIZATION_ERROR).toBeGreaterThanOrEqual(1);
    });

    it("rejects with TARGET_BUSY when the owner's mailbox is full", async () => {
      const slow = (ms: number): Slow => Object.assign(new Slow(), { ms });
      await expect(entry.tell('gate', slow(2000))).resolves.toBeUndefined(); // running
      await expect(entry.tell('gate', slow(1))).resolves.toBeUndefined(); // queued: the mailbox holds 1
      const busy = await outcome(entry.tell('gate', slow(1)));
      expect(busy).toMatchObject({ code: 'TARGET_BUSY' });
    });

    it('logs a failure nobody awaited, without an unhandled rejection', async () => {
      entry.tell('counter', note({ not: 'a string' }));
      await pollUntil('the failure is logged', async () =>
        logs.some((line) => /^error tell\(Note\) to 'counter' failed: .*SERIALIZATION_ERROR/.test(line))
          ? true
          : undefined,
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    });
  });

  describe('keyed calls are validated by the node the key lives on', () => {
    it("answers an in-process ask the entry's own validator would refuse, validated by the owner", async () => {
      const reply = await entry.ask<LedgerReply>('ledger/in-process', add(50));
      expect(reply).toEqual({ key: 'in-process', total: 50, node: 'owner' });
      const refused = await outcome(entry.ask('ledger/in-process', add(0)));
      expect(refused).toMatchObject({
        code: 'SERIALIZATION_ERROR',
        message: expect.stringMatching(/amount must not be less than 1/),
      });
    });

    it("acknowledges an in-process tell to a key from the key's mailbox, or rejects it typed", async () => {
      await expect(entry.tell('ledger/told', add(7))).resolves.toBeUndefined();
      const refused = await outcome(entry.tell('ledger/told', add(-1)));
      expect(refused).toMatchObject({
        code: 'SERIALIZATION_ERROR',
        message: expect.stringMatching(/amount must not be less than 1/),
      });
      const total = await client.request<LedgerReply>('ledger/told', 'LedgerTotal', {});
      expect(total).toEqual({ key: 'told', total: 7, node: 'owner' });
    });

    it('serves IPC calls to a key through the entry, which declares neither the actor nor LedgerTotal', async () => {
      const discovery = await client.discover();
      expect((discovery.actors ?? []).map((actor) => actor.name)).toContain('ledger');
      const added = await client.request<LedgerReply>('ledger/ipc', 'LedgerAdd', { amount: 50 });
      expect(added).toEqual({ key: 'ipc', total: 50, node: 'owner' });
      const read = await client.request<LedgerReply>('ledger/ipc', 'LedgerTotal', {});
      expect(read.total).toBe(50);
      const refused = await outcome(client.request('ledger/ipc', 'LedgerAdd', { amount: 'x' }));
      expect(refused).toMatchObject({
        code: 'SERIALIZATION_ERROR',
        message: expect.stringMatching(/amount must be an integer/),
      });
      const unknown = await outcome(client.request('ledger/ipc', 'NoSuchType', {}));
      expect(unknown).toMatchObject({ code: 'UNKNOWN_MESSAGE_TYPE', message: expect.stringMatching(/has no handler/) });
    });

    it("acknowledges an IPC fire-and-forget to a key from the key's mailbox on the owner, or rejects it typed", async () => {
      await client.send('ledger/ipc-told', 'LedgerAdd', { amount: 3 });
      await client.send('ledger/ipc-told', 'LedgerAdd', { amount: 30 });
      const refused = await outcome(client.send('ledger/ipc-told', 'LedgerAdd', { amount: 0 }));
      expect(refused).toMatchObject({
        code: 'SERIALIZATION_ERROR',
        message: expect.stringMatching(/amount must not be less than 1/),
      });
      const read = await client.request<LedgerReply>('ledger/ipc-told', 'LedgerTotal', {});
      expect(read).toEqual({ key: 'ipc-told', total: 33, node: 'owner' });
    });
  });

  describe('an entry node that declares the keyed actor with an older schema', () => {
    let older: ActonApp;
    let viaOlder: ActonClient;

    beforeAll(async () => {
      const socket = join(mkdtempSync(join(tmpdir(), 'acton-older-')), 'older.sock');
      @Module({
        imports: [
          IpcModule.forRoot({ socket: { path: socket } }),
          ClusterModule.forRoot({ servers: nats.url, cluster: 'entry', nodeId: 'older', heartbeatMs: 200 }),
        ],
        actors: [OlderLedgerActor],
      })
      class OlderModule {}
      older = await bootstrap(OlderModule, { logger: recordingLogger([]) });
      viaOlder = await ActonClient.connect({ socketPath: socket });
      await pollUntil('the older node routes to the owner', async () =>
        older.cluster!.nodes().some((node) => node.nodeId === 'owner' && node.actors.length === 3) ? true : undefined,
      );
    });

    afterAll(async () => {
      await viaOlder?.close();
      await older?.close();
    });

    /** A fresh key that rendezvous places on `node` (of the two nodes declaring `ledger`). */
    const keyOn = (node: 'owner' | 'older', prefix: string): string => {
      for (let i = 0; ; i++) {
        const key = `${prefix}-${i}`;
        const onOwner = rendezvousScore('owner', 'ledger', key) > rendezvousScore('older', 'ledger', key);
        if (onOwner === (node === 'owner')) return key;
      }
    };

    it("validates a key placed on the owner with the owner's schema, a key placed here with its own", async () => {
      const onOwner = keyOn('owner', 'schema');
      const onOlder = keyOn('older', 'schema');
      const byOwner = await viaOlder.request<LedgerReply>(`ledger/${onOwner}`, 'LedgerAdd', { amount: 50 });
      expect(byOwner).toEqual({ key: onOwner, total: 50, node: 'owner' });
      const refusedByOwner = await outcome(viaOlder.request(`ledger/${onOwner}`, 'LedgerAdd', { amount: 0 }));
      expect(refusedByOwner).toMatchObject({
        code: 'SERIALIZATION_ERROR',
        message: expect.stringMatching(/amount must not be less than 1/),
      });
      const refusedHere = await outcome(viaOlder.request(`ledger/${onOlder}`, 'LedgerAdd', { amount: 50 }));
      expect(refusedHere).toMatchObject({
        code: 'SERIALIZATION_ERROR',
        message: expect.stringMatching(/amount must not be greater than 5/),
      });
      const byOlder = await viaOlder.request<LedgerReply>(`ledger/${onOlder}`, 'LedgerAdd', { amount: 0 });
      expect(byOlder).toEqual({ key: onOlder, total: 0, node: 'older' });
      // In-process from the older node: the owner's schema decides for its key.
      const inProcess = await older.ask<LedgerReply>(`ledger/${onOwner}`, add(7));
      expect(inProcess).toEqual({ key: onOwner, total: 57, node: 'owner' });
    });

    it("answers a call to the keyed actor's bare name ACTOR_NOT_FOUND naming the 'ledger/<key>' form", async () => {
      const keyedError = {
        code: 'ACTOR_NOT_FOUND',
        message: "Actor not found: ledger (a keyed actor: address one key as 'ledger/<key>')",
      };
      // Over IPC through a node that does not declare `ledger` and through one that does.
      for (const via of [client, viaOlder]) {
        expect(await outcome(via.request('ledger', 'LedgerAdd', { amount: 1 }))).toEqual(keyedError);
        expect(await outcome(via.request('ledger', 'NoSuchType', {}))).toEqual(keyedError); // target first (§3.1)
        expect(await outcome(via.send('ledger', 'LedgerAdd', { amount: 1 }))).toEqual(keyedError);
      }
      // In-process, from both nodes.
      for (const app of [entry, older]) {
        expect(await outcome(Promise.resolve().then(() => app.ask('ledger', add(1))))).toEqual(keyedError);
        expect(await outcome(Promise.resolve().then(() => app.tell('ledger', add(1))))).toEqual(keyedError);
      }
    });
  });

  describe('an owner whose event loop stalls past half its node timeout', () => {
    it('refuses, typed and at once, the calls that reached it as its lease lapsed (they were dropped)', async () => {
      const stall = entry.ask('counter', Object.assign(new Stall(), { ms: 1500 }));
      await new Promise((resolve) => setTimeout(resolve, 300)); // the stall runs on the owner
      const started = Date.now();
      const during = await outcome(
        entry.ask('counter', Object.assign(new Increment(), { by: 1 }), { timeoutMs: 15_000 }),
      );
      const answeredAfterMs = Date.now() - started;
      await stall;
      // The owner gave its lease up (no renewal for over 500 ms), then read the call: refused, no handler ran.
      expect(during).toEqual({
        code: 'ACTOR_NOT_FOUND',
        message: expect.stringMatching(
          /^Actor not found: counter: node 'owner' stopped serving it as the call arrived; no handler ran/,
        ),
      });
      expect(answeredAfterMs).toBeLessThan(10_000);
      // It takes the lease back, and serves again.
      const after = await pollUntil('the owner serves counter again', async () =>
        entry.ask<{ node: string }>('counter', Object.assign(new Increment(), { by: 1 })),
      );
      expect(after.node).toBe('owner');
    });
  });

  // Last: it kills the owner.
  describe('once the owner node is killed', () => {
    it('rejects, typed, tells (in-process, keyed, IPC) whose ack was pending when the owner died', async () => {
      // The owner's event loop is held: the tells reach its socket, and its mailboxes never take them.
      const stall = outcome(entry.ask('counter', Object.assign(new Stall(), { ms: 5000 }), { timeoutMs: 20_000 }));
      // 1 s into the stall: the owner's last heartbeat is that old, so the entry counts it gone (after its
      // 3 s node timeout) well before the tells' own 3 s ack timeout could end them.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const settled: string[] = [];
      const track = (what: string, receipt: PromiseLike<unknown>): Promise<unknown> =>
        outcome(receipt).then((result) => {
          settled.push(what);
          return result;
        });
      const pending = [
        track('tell', entry.tell('counter', note('pending at the kill'))),
        track('keyed tell', entry.tell('ledger/pending', add(1))),
        track('IPC send', client.send('ledger/pending', 'LedgerAdd', { amount: 1 })),
      ];
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(settled).toEqual([]); // acknowledged only by a mailbox, and the owner's took nothing
      await owner.kill();
      const outcomes = await Promise.all(pending);
      for (const result of outcomes) {
        expect(result).toEqual({
          code: 'NODE_UNAVAILABLE',
          message: expect.stringMatching(
            /^Node 'owner' (serving actor|hosting) '(counter|ledger\/pending)' left the cluster .* outcome is unknown/,
          ),
        });
      }
      expect(await stall).toMatchObject({ code: 'NODE_UNAVAILABLE' });
      expect(unhandled).toEqual([]);
    });

    it('rejects a tell (in-process or IPC) to the actor of a node killed with -9: typed, never silently dropped', async () => {
      await owner.kill();
      const failed = await outcome(Promise.resolve().then(() => entry.tell('counter', note('after the kill'))));
      expect(failed).toMatchObject({ code: expect.stringMatching(/^(ACTOR_NOT_FOUND|NODE_UNAVAILABLE)$/) });
      const keyed = await outcome(Promise.resolve().then(() => entry.tell('ledger/told', add(1))));
      expect(keyed).toMatchObject({ code: expect.stringMatching(/^(ACTOR_NOT_FOUND|NODE_UNAVAILABLE)$/) });
      const overIpc = await outcome(client.send('ledger/told', 'LedgerAdd', { amount: 1 }));
      expect(overIpc).toMatchObject({ code: expect.stringMatching(/^(ACTOR_NOT_FOUND|NODE_UNAVAILABLE)$/) });
      expect(unhandled).toEqual([]);
    });
  });
});
