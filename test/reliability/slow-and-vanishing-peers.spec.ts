import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { RawFrameClient } from '../support/raw-frame-client';
import {
  call,
  freshSocketPath,
  probe,
  ProbeResult,
  ServerProcess,
  startServer,
  until,
} from './fixtures/server-process';

/**
 * Slow and vanishing peers (issue 8). A client that stops reading, reads slowly, drips bytes or
 * disappears must cost the server a bounded amount of memory and nothing else.
 */
const MB = 1024 * 1024;
const PUSHES = 50_000;
const PUSH_PADDING = 2048; // ~2.1 KB per push frame: 50,000 of them would be ~105 MB if buffered
const BATCH = 50; // ≤ push_buffer_size (100): a subscriber that keeps up never loses one
const PUSH_BUFFER = 100; // limits.push_buffer_size default (docs/protocol.md §5.4)
/**
 * What a never-reading subscriber may hold: its push buffer (100 frames) plus what the kernel's
 * Unix-socket buffer took before it filled (~200 KB ≈ 100 frames of 2 KB). Generous ×4.
 */
const SLOW_SUBSCRIBER_MAX_ACCEPTED = 4 * (PUSH_BUFFER + 100);
/**
 * Retained memory after a GC: 200 frames × 2 KB ≈ 0.4 MB are legitimately held. 16 MB is 40 times
 * that, and under a sixth of what buffering every push (~105 MB) would retain.
 */
const RETAINED_BOUND = 16 * MB;
/** Peak RSS growth: transient garbage of 50,000 encodes is collected as it goes; buffering all would add ~105 MB. */
const PEAK_RSS_BOUND = 64 * MB;

function subscribe(client: RawFrameClient, id: string): void {
  client.send(MessageType.SUBSCRIBE, { correlation_id: id, message_types: ['Tick'] });
}

describe('slow and vanishing peers', () => {
  const clients: RawFrameClient[] = [];
  let server: ServerProcess | undefined;
  const connect = async (path: string): Promise<RawFrameClient> => {
    const client = await RawFrameClient.connect(path);
    clients.push(client);
    return client;
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    if (server) await server.stop('SIGKILL').catch(() => undefined);
    server = undefined;
  });

  it(`a subscriber that never reads while ${PUSHES} pushes are broadcast: bounded memory, others get every push, drops counted`, async () => {
    const socketPath = freshSocketPath();
    // write_timeout_ms 0: the stalled subscriber is never disconnected, so only the push buffer bounds it.
    server = await startServer(
      { socket: { path: socketPath }, timeouts: { writeTimeoutMs: 0 } },
      { nodeArgs: ['--expose-gc'] },
    );
    const slow = await connect(socketPath);
    const fast = await connect(socketPath);
    const driver = await connect(socketPath);
    subscribe(slow, 'sub-slow');
    subscribe(fast, 'sub-fast');
    expect((await slow.next()).body).toMatchObject({ success: true, subscribed_types: ['Tick'] });
    expect((await fast.next()).body).toMatchObject({ success: true, subscribed_types: ['Tick'] });
    slow.socket.pause(); // never reads again (until the end)
    const before = await probe(socketPath, true, true);

    let nextSeq = 0;
    for (let from = 0; from < PUSHES; from += BATCH) {
      expect(
        (await call(driver, 'control', 'BroadcastTicks', { from, count: BATCH, size: PUSH_PADDING })).body.success,
      ).toBe(true);
      for (let i = 0; i < BATCH; i++) {
        const frame = await fast.next(10_000);
        expect(frame.type).toBe(MessageType.PUSH);
        if (frame.body.payload.seq !== nextSeq)
          throw new Error(`fast subscriber: expected push ${nextSeq}, got ${frame.body.payload.seq}`);
        nextSeq++;
      }
    }
    const after = await probe(socketPath, true);

    const sent = after.stats.pushNotificationsSent - before.stats.pushNotificationsSent;
    const dropped = after.stats.pushNotificationsDropped - before.stats.pushNotificationsDropped;
    const slowAccepted = sent - PUSHES; // the fast subscriber accepted all of its 50,000
    const figures = {
      broadcast: PUSHES,
      fastDelivered: nextSeq,
      slowAccepted,
      dropped,
      retainedMB: +((after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / MB).toFixed(1),
      peakHeapGrowthMB: +((after.peakHeapUsed - before.heapUsed) / MB).toFixed(1),
      peakRssGrowthMB: +((after.peakRss - before.rss) / MB).toFixed(1),
      peakRssMB: +(after.peakRss / MB).toFixed(1),
    };
    process.stdout.write(`slow subscriber figures: ${JSON.stringify(figures)}\n`);
    expect(nextSeq).toBe(PUSHES);
    expect(sent + dropped).toBe(2 * PUSHES);
    expect(slowAccepted).toBeGreaterThan(0);
    expect(slowAccepted).toBeLessThanOrEqual(SLOW_SUBSCRIBER_MAX_ACCEPTED);
    expect(dropped).toBe(PUSHES - slowAccepted);
    expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(RETAINED_BOUND);
    expect(after.peakRss - before.rss).toBeLessThan(PEAK_RSS_BOUND);

    // Once it reads again it gets exactly what was accepted for it: a gap-free prefix, in order.
    slow.socket.resume();
    const seqs: number[] = [];
    for (let i = 0; i < slowAccepted; i++) seqs.push((await slow.next(10_000)).body.payload.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await slow.quietFor(200)).toBe(true);
    slow.write('00000000020401');
    expect((await slow.next()).type).toBe(MessageType.HEARTBEAT); // still a working connection
  }, 90_000);

  describe('streams and requests', () => {
    let socketPath: string;

    beforeEach(async () => {
      socketPath = freshSocketPath();
      server = await startServer({ socket: { path: socketPath } });
    });

    const stream = (client: RawFrameClient, id: string, payload: Record<string, unknown>): void =>
      client.request({
        correlation_id: id,
        target: 'control',
        message_type: 'Produce',
        payload,
        expects_stream: true,
        response_timeout_ms: 60_000,
      });

    async function producerSettled(tag: string): Promise<ProbeResult['producers'][string]> {
      let last = -1;
      for (;;) {
        const state = (await probe(socketPath)).producers[tag];
        if (state && state.produced === last) return state;
        last = state?.produced ?? -1;
        await new Promise((r) => setTimeout(r, 300));
      }
    }

    it('a slow stream consumer pauses the AsyncIterable producer instead of buffering 20,000 items', async () => {
      const COUNT = 20_000;
      const client = await connect(socketPath);
      client.socket.pause();
      stream(client, 's1', { count: COUNT, size: 1024, tag: 'slow' });
      const paused = await producerSettled('slow');
      process.stdout.write(
        `slow stream consumer: producer ran ${paused.produced} of ${COUNT} items ahead while the client did not read\n`,
      );
      // 256 KB write high-water mark + the kernel's socket buffer ≈ 450 items of 1 KB; ×4 margin.
      expect(paused.produced).toBeLessThanOrEqual(2_000);
      expect(paused.stopped).toBe(false);

      client.socket.resume();
      for (let i = 0; i < COUNT; i++) {
        const frame = await client.next(10_000);
        if (frame.body.sequence !== i || frame.body.payload?.i !== i)
          throw new Error(`stream item ${i}: got ${JSON.stringify(frame.body).slice(0, 120)}`);
      }
      expect((await client.next()).body).toEqual({ correlation_id: 's1', sequence: COUNT, is_final: true });
    }, 60_000);

    it('a client that disconnects mid-stream stops the producer; one that disconnects mid-request leaks nothing; the actors keep serving', async () => {
      const leaver = await connect(socketPath);
      stream(leaver, 'endless', { count: 1e9, size: 16, tag: 'endless' });
      await leaver.nextFrames(3);
      leaver.socket.destroy();
      await until(
        async () => (await probe(socketPath)).producers.endless?.stopped === true,
        'the producer to stop after the disconnect',
      );
      const stoppedAt = (await probe(socketPath)).producers.endless.produced;
      await new Promise((r) => setTimeout(r, 200));
      expect((await probe(socketPath)).producers.endless.produced).toBe(stoppedAt);

      for (let i = 0; i < 20; i++) {
        const quitter = await RawFrameClient.connect(socketPath);
        quitter.request({
          correlation_id: `q${i}`,
          target: 'echo',
          message_type: 'Echo',
          payload: { n: i, delayMs: 300 },
          expects_reply: true,
        });
        await new Promise((r) => setTimeout(r, 5));
        await quitter.close();
      }
      // Their requests finish on the server; nothing stays counted in flight (the probe is the only one).
      await until(
        async () => (await probe(socketPath)).stats.inFlightRequests === 1,
        'in_flight_requests back to just the probe',
        5_000,
      );
      const stayer = await connect(socketPath);
      expect((await call(stayer, 'echo', 'Echo', { n: 5 })).body).toMatchObject({ success: true, payload: { n: 5 } });
      stream(stayer, 'after', { count: 3, size: 1, tag: 'after' });
      const frames = await stayer.nextFrames(4);
      expect(frames.map((f) => f.body.sequence)).toEqual([0, 1, 2, 3]);
      expect(frames[3].body.is_final).toBe(true);
      expect((await probe(socketPath)).stats.activeConnections).toBe(2); // stayer + the probe
    }, 30_000);
  });

  it('slowloris: 50 connections dripping one byte per 50 ms are closed by read_timeout_ms while a normal client is served', async () => {
    const socketPath = freshSocketPath();
    const READ_TIMEOUT_MS = 500;
    server = await startServer({ socket: { path: socketPath }, timeouts: { readTimeoutMs: READ_TIMEOUT_MS } });
    const frame = Buffer.concat([Buffer.from('000000c8020101', 'hex'), Buffer.alloc(200, 0x20)]); // 200-byte payload: 10 s to drip
    const drippers = await Promise.all(Array.from({ length: 50 }, () => connect(socketPath)));
    const started = Date.now();
    let offset = 0;
    const drip = setInterval(() => {
      for (const d of drippers) if (!d.closed && !d.eof) d.write(frame.subarray(offset, offset + 1));
      offset++;
    }, 50);
    try {
      const normal = await connect(socketPath);
      expect((await call(normal, 'echo', 'Echo', { n: 9 })).body).toMatchObject({ success: true, payload: { n: 9 } });
      await Promise.all(drippers.map((d) => d.waitForEof(5_000)));
      const elapsed = Date.now() - started;
      process.stdout.write(
        `slowloris: 50 drippers closed ${elapsed} ms after connecting (read_timeout_ms ${READ_TIMEOUT_MS}); ${offset} bytes dripped each\n`,
      );
      expect(offset).toBeLessThan(frame.length); // closed before their frame could complete
      expect(drippers.every((d) => d.buffered.length === 0)).toBe(true); // closed silently (§5.3)
      const stats = (await probe(socketPath)).stats;
      expect(stats.errors).toBeGreaterThanOrEqual(50);
      expect(stats.activeConnections).toBeLessThanOrEqual(2);
    } finally {
      clearInterval(drip);
    }
  }, 30_000);
});
