import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActonApp, bootstrap, KeyedStateStore, Module } from 'acton-ts';
import { ClusterModule, JetStreamKeyedStateStore, rendezvousScore } from 'acton-ts/cluster';
import { recordingLogger } from '../support/ipc-test-app';
import { ChaosAdd, ChaosReply, StallUntil } from './fixtures/keyed-actors';
import { overlaps, readActivations } from './support/activation-records';
import { ClusterNodeProcess, startClusterNode } from './support/cluster-node-process';
import { NatsServerProcess, startNatsServer } from './support/nats-server';
import { pollUntil } from './support/poll';

jest.setTimeout(240_000);

const HEARTBEAT_MS = 100;
const NODE_TIMEOUT_MS = 1_000;
/** Keys placed on the node to be stalled. */
const KEYS = 6;

const add = (seq: number): ChaosAdd => Object.assign(new ChaosAdd(), { seq });

interface KeyedStats {
  readonly actors: Record<string, { active: number; activations: number; passivations: number }>;
  readonly leaseLapses: number;
  readonly keysResumed: number;
  readonly moves: number;
}

/**
 * A node whose event loop stalls past its lease window (a keyed handler busy-waits, as a node under
 * heavy CPU load whose renewals come back late), on a real nats-server with real node processes:
 * its keys are suspended, not stopped; once its lease is renewed, the keys nobody took run on in
 * the same activations (no `onPassivate` / `onActivate`), and a key another node took meanwhile
 * stops here — its state write from the stale activation never lands.
 */
describe('cluster: a node lease lapse suspends keys and resumes those still held', () => {
  let nats: NatsServerProcess;
  let stalled: ClusterNodeProcess;
  let other: ClusterNodeProcess;
  let client: ActonApp;
  const cluster = `lapse${process.pid}`;
  const flags = mkdtempSync(join(tmpdir(), 'acton-lapse-'));
  const records = mkdtempSync(join(tmpdir(), 'acton-lapse-records-'));
  let stallKey = '';
  const keys: string[] = [];

  beforeAll(async () => {
    process.env.CHAOS_RECORDS = records; // the nodes record each chaos activation's lifetime
    nats = await startNatsServer();
    const settings = { natsUrl: nats.url, cluster, socket: '', fixture: 'keyed-node.ts', readyTimeoutMs: 120_000 };
    const timing = { heartbeatMs: HEARTBEAT_MS, nodeTimeoutMs: NODE_TIMEOUT_MS };
    [stalled, other] = await Promise.all([
      startClusterNode({ ...settings, ...timing, nodeId: 'stalled' }),
      startClusterNode({ ...settings, ...timing, nodeId: 'other' }),
    ]);
    @Module({
      imports: [ClusterModule.forRoot({ servers: nats.url, cluster, nodeId: 'client', ...timing })],
      providers: [{ provide: KeyedStateStore, useClass: JetStreamKeyedStateStore }],
    })
    class ClientModule {}
    client = await bootstrap(ClientModule, { logger: recordingLogger([]) });
    await pollUntil('client sees both nodes', async () => (client.cluster!.nodes().length === 3 ? true : undefined));
    const onStalled = (actor: string, key: string): boolean =>
      rendezvousScore('stalled', actor, key) > rendezvousScore('other', actor, key);
    for (let i = 0; keys.length < KEYS; i++) if (onStalled('chaos', `s-${i}`)) keys.push(`s-${i}`);
    for (let i = 0; !stallKey; i++) if (onStalled('stall', `x-${i}`)) stallKey = `x-${i}`;
  });

  afterAll(async () => {
    await client?.close();
    await stalled?.kill();
    await other?.kill();
    await nats?.stop();
    delete process.env.CHAOS_RECORDS;
    rmSync(flags, { recursive: true, force: true });
    rmSync(records, { recursive: true, force: true });
  });

  const keyedStats = async (node: ClusterNodeProcess): Promise<KeyedStats> =>
    (await node.clusterStats()).keyed as KeyedStats;

  /** Blocks the stalled node's event loop until the returned function is called. */
  const stall = (name: string): (() => void) => {
    const file = join(flags, name);
    void client.tell(`stall/${stallKey}`, Object.assign(new StallUntil(), { file, maxMs: 60_000 }));
    return () => writeFileSync(file, '');
  };

  /** Waits until the client counts the stalled node as gone (silent for `NODE_TIMEOUT_MS`): its lease is stale. */
  const stalledSeenGone = (): Promise<true> =>
    pollUntil('client counts the stalled node gone', async () =>
      client.cluster!.nodes().some((node) => node.nodeId === 'stalled') ? undefined : true,
    );

  const stalledSeenBack = (): Promise<true> =>
    pollUntil('client sees the stalled node again', async () =>
      client.cluster!.nodes().some((node) => node.nodeId === 'stalled') ? true : undefined,
    );

  it('resumes every key in the same activation when no other node took it', async () => {
    const before = new Map<string, string>();
    for (const key of keys) {
      const reply = await client.ask<ChaosReply>(`chaos/${key}`, add(1), { timeoutMs: 20_000 });
      expect(reply.activation).toMatch(/^stalled:/);
      before.set(key, reply.activation);
    }
    const statsBefore = await keyedStats(stalled);
    const release = stall('resume');
    try {
      await stalledSeenGone();
    } finally {
      release();
    }
    await stalledSeenBack();
    // Every key answers from the activation it had before the stall, its count going on in memory.
    for (const key of keys) {
      const reply = await client.ask<ChaosReply>(`chaos/${key}`, add(2), { timeoutMs: 20_000 });
      expect(reply).toEqual({ count: 2, activation: before.get(key) });
    }
    const after = await keyedStats(stalled);
    expect(after.leaseLapses).toBeGreaterThan(statsBefore.leaseLapses);
    expect(after.keysResumed - statsBefore.keysResumed).toBeGreaterThanOrEqual(KEYS);
    // No activation started or ended: no onActivate, no onPassivate.
    expect(after.actors.chaos).toEqual(statsBefore.actors.chaos);
    expect(after.moves).toBe(statsBefore.moves);
  });

  it('stops a key another node took while the lease lapsed, and resumes the others', async () => {
    const [taken, ...kept] = keys as [string, ...string[]];
    const before = new Map<string, ChaosReply>();
    for (const key of keys)
      before.set(key, await client.ask<ChaosReply>(`chaos/${key}`, add(3), { timeoutMs: 20_000 }));
    const statsBefore = await keyedStats(stalled);
    const release = stall('moved');
    let meanwhile: ChaosReply;
    try {
      await stalledSeenGone();
      // Sent while the node is stalled: the other node waits out its lease, takes the key and answers.
      meanwhile = await client.ask<ChaosReply>(`chaos/${taken}`, add(4), { timeoutMs: 30_000 });
    } finally {
      release();
    }
    expect(meanwhile.activation).toMatch(/^other:/);
    expect(meanwhile.count).toBe(4);
    await stalledSeenBack();
    // The stalled node found the key taken (its claim lost): its activation stopped, no handler ran in it.
    await pollUntil('the stalled node stopped the key it lost', async () => {
      const stats = await keyedStats(stalled);
      return stats.actors.chaos!.passivations > statsBefore.actors.chaos!.passivations ? stats : undefined;
    });
    for (const key of kept) {
      const reply = await client.ask<ChaosReply>(`chaos/${key}`, add(4), { timeoutMs: 20_000 });
      expect(reply).toEqual({ count: 4, activation: before.get(key)!.activation });
    }
    // The taken key goes on from the count the other node stored, wherever it lives now.
    const next = await client.ask<ChaosReply>(`chaos/${taken}`, add(5), { timeoutMs: 30_000 });
    expect(next.count).toBe(5);
    expect(next.activation).not.toBe(before.get(taken)!.activation);
    expect(await client.get(KeyedStateStore).load('chaos', taken)).toEqual({ count: 5, lastSeq: 5 });
    const after = await keyedStats(stalled);
    expect(after.leaseLapses).toBeGreaterThan(statsBefore.leaseLapses);
    expect(after.keysResumed - statsBefore.keysResumed).toBeGreaterThanOrEqual(kept.length);
    expect(after.moves).toBeGreaterThan(statsBefore.moves);
  });

  it('under load, with stalls that let the other node take keys: every acknowledged increment stored once, no handler started in a stale activation', async () => {
    const loadKeys = Array.from({ length: 40 }, (_, i) => `load-${i}`);
    const acked = new Map<string, number>(loadKeys.map((key) => [key, 0]));
    const unexpected: string[] = [];
    let stop = false;
    const loop = async (key: string): Promise<void> => {
      let seq = 1;
      let unknown = false;
      while (!stop || unknown) {
        try {
          const reply = await client.ask<ChaosReply>(`chaos/${key}`, add(seq), { timeoutMs: 30_000 });
          expect(reply.count).toBe(seq);
          acked.set(key, seq++);
          unknown = false;
        } catch (err) {
          unknown = true; // retried with the same seq, which the actor applies once
          const { code = '' } = err as { code?: string };
          const message = err instanceof Error ? err.message : String(err);
          if (code !== 'TIMEOUT' && !/outcome is unknown/.test(message)) unexpected.push(`${key}: ${code} ${message}`);
          await sleep(50);
        }
      }
    };
    const before = await keyedStats(stalled);
    const load = Promise.all(loadKeys.map(loop));
    try {
      for (const round of ['load-1', 'load-2']) {
        await sleep(1_000);
        const release = stall(round);
        try {
          await stalledSeenGone();
          await sleep(2 * NODE_TIMEOUT_MS); // the other node waits out the stalled lease and takes keys
        } finally {
          release();
        }
        await stalledSeenBack();
      }
      await sleep(1_000);
    } finally {
      stop = true;
      await load;
    }
    const after = await keyedStats(stalled);
    const total = [...acked.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `lapse under load: ${loadKeys.length} keys, ${total} acknowledged increments; stalled node: ` +
        `${after.leaseLapses - before.leaseLapses} lapses, ${after.keysResumed - before.keysResumed} keys resumed, ` +
        `${after.moves - before.moves} keys lost to the other node`,
    );
    const store = client.get(KeyedStateStore);
    for (const key of loadKeys)
      expect([key, ((await store.load('chaos', key)) as { count: number }).count]).toEqual([key, acked.get(key)]);
    expect(overlaps(readActivations(records, new Map())).slice(0, 10)).toEqual([]);
    expect(unexpected.slice(0, 10)).toEqual([]);
    expect(after.leaseLapses - before.leaseLapses).toBeGreaterThanOrEqual(2);
    expect(after.moves).toBeGreaterThan(before.moves); // the other node took keys during a stall
  });
});
