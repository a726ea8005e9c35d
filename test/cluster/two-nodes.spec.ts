import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, toArray, take } from 'rxjs';
import { ActonClient, IpcRequestError } from 'acton-ts/client';
import { RawFrameClient } from '../support/raw-frame-client';
import { ClusterNodeProcess, startClusterNode } from './support/cluster-node-process';
import { NatsServerProcess, startNatsServer } from './support/nats-server';
import { pollUntil } from './support/poll';

jest.setTimeout(120_000);

const NODE_TIMEOUT_MS = 1000;

/** Two node processes A (owns `counter`) and B (standby), on one nats-server; IPC clients call through B. */
describe('cluster: two node processes on one nats-server', () => {
  let nats: NatsServerProcess;
  let a: ClusterNodeProcess;
  let b: ClusterNodeProcess;
  let viaB: ActonClient;
  let viaA: ActonClient;
  const dir = mkdtempSync(join(tmpdir(), 'acton-cluster-'));

  beforeAll(async () => {
    nats = await startNatsServer();
    const common = { natsUrl: nats.url, cluster: 'two', nodeTimeoutMs: NODE_TIMEOUT_MS };
    a = await startClusterNode({ ...common, nodeId: 'node-a', socket: join(dir, 'a.sock') });
    b = await startClusterNode({ ...common, nodeId: 'node-b', socket: join(dir, 'b.sock') });
    viaA = await ActonClient.connect({ socketPath: a.socket });
    viaB = await ActonClient.connect({ socketPath: b.socket });
    // B learns about A from A's heartbeats: wait until B routes `counter` (served by A).
    await pollUntil('B reaches counter on A', async () => {
      const reply = await viaB.request<{ node: string }>('counter', 'WhoAmI', {});
      return reply.node === 'node-a' ? reply : undefined;
    });
  });

  afterAll(async () => {
    await viaA?.close();
    await viaB?.close();
    await a?.stop();
    await b?.stop();
    await nats?.stop();
  });

  it('gives the first node the singleton and keeps the second standing by', () => {
    expect(a.ownedCounterAtStart).toBe(true);
    expect(b.ownedCounterAtStart).toBe(false);
  });

  it("lists A's actors in discovery on B, with their message types and kinds", async () => {
    const discovery = await viaB.discover();
    const byName = new Map((discovery.actors ?? []).map((actor) => [actor.name, actor]));
    const counter = byName.get('counter');
    expect(counter).toBeDefined();
    const kinds = Object.fromEntries((counter!.message_types ?? []).map((type) => [type.name, type.kind]));
    expect(Object.keys(kinds)).toEqual(expect.arrayContaining(['Increment', 'CountTo', 'Note']));
    expect(kinds.CountTo).toBe('stream');
    expect(byName.has('echo')).toBe(true);
  });

  it('answers a request sent through B from the owner A, validated there', async () => {
    const first = await viaB.request<{ node: string; total: number }>('counter', 'Increment', { by: 2 });
    const second = await viaB.request<{ node: string; total: number }>('counter', 'Increment', { by: 3 });
    expect(first.node).toBe('node-a');
    expect(second.total - first.total).toBe(3);
    const invalid = viaB.request('counter', 'Increment', { by: 'x' });
    await expect(invalid).rejects.toMatchObject({ code: 'SERIALIZATION_ERROR' });
    await expect(invalid).rejects.toThrow(/by must be an integer/);
  });

  it("validates a payload sent through B once, at the owner A: the same error a client of A's socket gets", async () => {
    const failure = (call: Promise<unknown>): Promise<{ code: string; message: string }> =>
      call.then(
        () => ({ code: 'none', message: 'it succeeded' }),
        (err: { code: string; message: string }) => ({ code: err.code, message: err.message }),
      );
    const sentBefore = (await b.clusterStats()).remoteCallsSent as number;
    const remote = await failure(viaB.request('counter', 'Increment', { by: 'x' }));
    expect((await b.clusterStats()).remoteCallsSent).toBe(sentBefore + 1); // B forwarded it, undecoded
    const local = await failure(viaA.request('counter', 'Increment', { by: 'x' }));
    expect(remote).toEqual(local);
    expect(remote.code).toBe('SERIALIZATION_ERROR');
    expect(remote.message).toMatch(/^Serialization error: .*by must be an integer/);
    const remoteStream = await failure(firstValueFrom(viaB.stream('counter', 'CountTo', { n: -1 }).pipe(toArray())));
    const localStream = await failure(firstValueFrom(viaA.stream('counter', 'CountTo', { n: -1 }).pipe(toArray())));
    expect(remoteStream).toEqual(localStream);
    expect(remoteStream.code).toBe('SERIALIZATION_ERROR');
    // What B can know it still checks itself: a type the actor does not handle never leaves B.
    const sentBeforeUnknown = (await b.clusterStats()).remoteCallsSent as number;
    const unknown = await failure(viaB.request('counter', 'NoSuchType', {}));
    expect(unknown.code).toBe('UNKNOWN_MESSAGE_TYPE');
    expect((await b.clusterStats()).remoteCallsSent).toBe(sentBeforeUnknown);
  });

  it('delivers a fire-and-forget sent through B to the actor on A', async () => {
    await viaB.send('counter', 'Note', { text: 'via-b' });
    const received = await pollUntil('note seen on A', async () => {
      const reply = await viaA.request<{ notes: string[] }>('counter', 'Received', {});
      return reply.notes.includes('via-b') ? reply : undefined;
    });
    expect(received.notes.filter((note) => note === 'via-b')).toHaveLength(1);
  });

  it('streams 2,000 items from A through B in order', async () => {
    const items = await firstValueFrom(viaB.stream<number>('counter', 'CountTo', { n: 2000 }).pipe(toArray()));
    expect(items).toHaveLength(2000);
    expect(items).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it('delivers a broadcast on A once, in order, to an in-process and an IPC subscriber on B', async () => {
    const before = (await viaB.request<{ seqs: number[] }>('tick_log', 'Received', {})).seqs.length;
    const pushes = firstValueFrom(viaB.subscribe('Tick').pipe(take(50), toArray()));
    await viaB.flush();
    await viaA.request('announcer', 'Announce', { count: 50 });
    const received = await pushes;
    expect(received.map((push) => (push.payload as { seq: number }).seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(received.every((push) => push.source_actor === 'announcer')).toBe(true);
    const log = await pollUntil('B tick_log has 50 more', async () => {
      const { seqs } = await viaB.request<{ seqs: number[] }>('tick_log', 'Received', {});
      return seqs.length >= before + 50 ? seqs : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate would show up by now
    const again = (await viaB.request<{ seqs: number[] }>('tick_log', 'Received', {})).seqs;
    expect(again.slice(before)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(log.length).toBe(again.length);
  });

  it('balances a replicated actor over both nodes', async () => {
    const served = new Set<string>();
    for (let i = 0; i < 60 && served.size < 2; i++)
      served.add((await viaB.request<{ node: string }>('echo', 'WhoAmI', {})).node);
    expect([...served].sort()).toEqual(['node-a', 'node-b']);
  });

  it('keeps a cluster: local actor invisible to other nodes', async () => {
    const fromB = await viaB.request<{ node: string }>('private_local', 'WhoAmI', {});
    expect(fromB.node).toBe('node-b');
  });

  it('pauses the producer on A while the reader on B stalls, stops it when the reader leaves', async () => {
    const report = (): Promise<{ produced: number; stopped: number }> => viaA.request('producer', 'Produced', {});
    const slow = await RawFrameClient.connect(b.socket);
    slow.request({
      correlation_id: 'slow-1',
      target: 'producer',
      message_type: 'Produce',
      payload: { n: 1_000_000, size: 1000 },
      expects_stream: true,
    });
    slow.socket.pause();
    await pollUntil('producer started', async () => ((await report()).produced > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const paused = (await report()).produced;
    await new Promise((resolve) => setTimeout(resolve, 700));
    const later = await report();
    console.log(`backpressure: producer paused at ${paused} items of 1,000,000`);
    expect(paused).toBeLessThan(20_000); // socket buffers + IPC queue + credit window, not the million asked for
    expect(later.produced).toBe(paused);
    expect(later.stopped).toBe(0);
    slow.socket.destroy();
    const stopped = await pollUntil('producer stopped after the reader left', async () => {
      const now = await report();
      return now.stopped === 1 ? now : undefined;
    });
    expect(stopped.produced).toBeLessThan(20_000);
  });

  it('kill -9 of the owner: in-flight call NODE_UNAVAILABLE in nodeTimeoutMs, then the standby answers', async () => {
    const inFlight = viaB.request('counter', 'Slow', { ms: 20_000 }, { timeoutMs: 30_000 });
    inFlight.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const killedAt = Date.now();
    await a.kill();
    const failure = await inFlight.then(
      () => undefined,
      (err: IpcRequestError) => err,
    );
    const failedAfterMs = Date.now() - killedAt;
    expect(failure?.code).toBe('NODE_UNAVAILABLE');
    expect(failedAfterMs).toBeLessThan(NODE_TIMEOUT_MS + 2000);
    const codes = new Set<string>();
    const answer = await pollUntil(
      'standby B answers',
      async () => {
        try {
          return await viaB.request<{ node: string; total: number }>(
            'counter',
            'Increment',
            { by: 1 },
            { timeoutMs: 5000 },
          );
        } catch (err) {
          codes.add((err as IpcRequestError).code);
          return undefined;
        }
      },
      20_000,
      20,
    );
    const failoverMs = Date.now() - killedAt;
    expect(answer.node).toBe('node-b');
    expect(answer.total).toBe(1); // in-memory state is not carried over (README: what a takeover keeps)
    for (const code of codes) expect(['ACTOR_NOT_FOUND', 'NODE_UNAVAILABLE']).toContain(code);
    console.log(
      `cluster failover: call to dead owner failed after ${failedAfterMs} ms; standby answered ` +
        `${failoverMs} ms after kill -9 (nodeTimeoutMs ${NODE_TIMEOUT_MS})`,
    );
  });
});
