import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { WriteQueue } from '../../../lib/ipc/server/write-queue';

/**
 * A real Node Writable standing in for the socket: it records each `write` call's chunk and
 * completes a write only when the test says so (`release`), like a peer that reads slowly.
 */
class SlowWritable extends Writable {
  readonly writes: Buffer[] = [];
  private readonly held: (() => void)[] = [];

  constructor(
    highWaterMark = 16 * 1024,
    private readonly autoRelease = false,
  ) {
    super({ highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.writes.push(chunk);
    if (this.autoRelease) done();
    else this.held.push(() => done());
  }

  /** Completes every write the "kernel" is holding. */
  release(): void {
    while (this.held.length > 0) this.held.shift()!();
  }
}

const frame = (byte: number, size = 10): Buffer => Buffer.alloc(size, byte);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const options = (overrides: Partial<ConstructorParameters<typeof WriteQueue>[1]> = {}) => ({
  writeTimeoutMs: 0,
  highWaterMark: 1024,
  onStalled: () => undefined,
  ...overrides,
});

describe('WriteQueue: one ordered outbound queue per connection (docs/protocol.md §3.5)', () => {
  it('writes the frames of one event-loop turn as one concatenated buffer, in enqueue order', async () => {
    const sink = new SlowWritable(16 * 1024, true);
    const queue = new WriteQueue(sink, options());
    queue.enqueue(frame(1));
    queue.enqueue(frame(2));
    queue.enqueue(frame(3));
    expect(sink.writes).toHaveLength(0); // nothing before the end of the turn
    await tick();
    expect(sink.writes).toHaveLength(1);
    expect(sink.writes[0]).toEqual(Buffer.concat([frame(1), frame(2), frame(3)]));
  });

  it('flushes early every 16 frames of a burst, without waiting for the end of the turn', async () => {
    const sink = new SlowWritable(1024 * 1024, true);
    const queue = new WriteQueue(sink, options());
    for (let i = 0; i < 40; i++) queue.enqueue(frame(i % 256));
    expect(sink.writes.map((chunk) => chunk.length)).toEqual([160, 160]); // two early batches of 16
    await tick();
    expect(sink.writes.map((chunk) => chunk.length)).toEqual([160, 160, 80]);
    const bytes = Buffer.concat(sink.writes);
    expect([...Array(40).keys()].every((i) => bytes[i * 10] === i)).toBe(true);
  });

  it('batches stream parts and pushes by bytes (every 32 KiB), not every 16 frames, in enqueue order', async () => {
    const sink = new SlowWritable(1024 * 1024, true);
    const queue = new WriteQueue(sink, options({ highWaterMark: 1024 * 1024 }));
    for (let i = 0; i < 40; i++) queue.enqueue(frame(i % 256), i % 2 === 0 ? 'part' : 'push');
    expect(sink.writes).toHaveLength(0); // 40 small frames: one write at the end of the turn
    await tick();
    expect(sink.writes.map((chunk) => chunk.length)).toEqual([400]);
    for (let i = 0; i < 70; i++) queue.enqueue(frame(i % 256, 1000), 'part');
    expect(sink.writes.map((chunk) => chunk.length)).toEqual([400, 33_000, 33_000]); // early at 32 KiB
    await tick();
    expect(sink.writes.map((chunk) => chunk.length)).toEqual([400, 33_000, 33_000, 4_000]);
    const bytes = Buffer.concat(sink.writes.slice(1));
    expect([...Array(70).keys()].every((i) => bytes[i * 1000] === i)).toBe(true);
  });

  it('keeps a batch that waits for a slow peer intact while other connections write theirs', async () => {
    const slow = new SlowWritable(1024 * 1024); // holds every write until released
    const fast = new SlowWritable(1024 * 1024, true);
    const held = new WriteQueue(slow, options({ highWaterMark: 1024 * 1024 }));
    const busy = new WriteQueue(fast, options({ highWaterMark: 1024 * 1024 }));
    held.enqueue(frame(1, 100));
    held.enqueue(frame(2, 100));
    await tick();
    for (let turn = 0; turn < 200; turn++) {
      for (let i = 0; i < 4; i++) busy.enqueue(frame(0xee, 1000), 'push');
      await tick();
    }
    expect(fast.writes).toHaveLength(200);
    expect(slow.writes).toHaveLength(1);
    expect(slow.writes[0]).toEqual(Buffer.concat([frame(1, 100), frame(2, 100)]));
    slow.release();
  });

  it('writes a batch above 64 KiB frame by frame instead of concatenating it', async () => {
    const sink = new SlowWritable(1024 * 1024, true);
    const queue = new WriteQueue(sink, options({ highWaterMark: 1024 * 1024 }));
    queue.enqueue(frame(1, 40_000));
    queue.enqueue(frame(2, 40_000));
    await tick();
    expect(sink.writes.map((chunk) => chunk.length)).toEqual([40_000, 40_000]);
  });

  it('asks stream producers to wait above the high-water mark and lets them go once the socket drained', async () => {
    const sink = new SlowWritable(100);
    const queue = new WriteQueue(sink, options({ highWaterMark: 500 }));
    queue.enqueue(frame(1, 400));
    expect(queue.whenWritable()).toBeUndefined(); // 400 ≤ 500
    queue.enqueue(frame(2, 400));
    const waiting = queue.whenWritable();
    expect(waiting).toBeInstanceOf(Promise);
    let released = false;
    void waiting!.then(() => (released = true));
    await tick();
    expect(released).toBe(false); // the "kernel" has not taken the bytes yet
    sink.release();
    await tick();
    expect(released).toBe(true);
    expect(queue.whenWritable()).toBeUndefined();
  });

  it('counts pushes until they are written (the push buffer of docs/protocol.md §5.4)', async () => {
    const sink = new SlowWritable();
    const queue = new WriteQueue(sink, options());
    queue.enqueue(frame(1), 'push');
    queue.enqueue(frame(2));
    queue.enqueue(frame(3), 'push');
    expect(queue.pushBacklog).toBe(2);
    await tick();
    expect(queue.pushBacklog).toBe(2); // handed to the stream, not yet taken
    sink.release();
    await tick();
    expect(queue.pushBacklog).toBe(0);
  });

  it('reports a stall when queued writes make no progress for write_timeout_ms (§0 D6), not before', async () => {
    const sink = new SlowWritable();
    let stalls = 0;
    const queue = new WriteQueue(sink, options({ writeTimeoutMs: 150, onStalled: () => stalls++ }));
    queue.enqueue(frame(1));
    await tick();
    expect(stalls).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(stalls).toBe(1);
    queue.dispose();
  });

  it('does not report a stall for a peer that takes every write', async () => {
    const sink = new SlowWritable(16 * 1024, true);
    let stalls = 0;
    const queue = new WriteQueue(sink, options({ writeTimeoutMs: 100, onStalled: () => stalls++ }));
    for (let i = 0; i < 5; i++) {
      queue.enqueue(frame(i));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(stalls).toBe(0);
    queue.dispose();
  });

  it('end() writes what is queued, then ends the stream; later frames are dropped', async () => {
    const sink = new SlowWritable(16 * 1024, true);
    const queue = new WriteQueue(sink, options());
    queue.enqueue(frame(7));
    queue.end();
    expect(queue.enqueue(frame(8))).toBe(false);
    await tick();
    expect(sink.writes).toEqual([frame(7)]);
    expect(sink.writableEnded).toBe(true);
  });

  it('dispose() drops the batch and releases waiting producers', async () => {
    const sink = new SlowWritable(10);
    const queue = new WriteQueue(sink, options({ highWaterMark: 5 }));
    queue.enqueue(frame(1));
    const waiting = queue.whenWritable();
    expect(waiting).toBeDefined();
    queue.dispose();
    await expect(waiting).resolves.toBeUndefined();
    await tick();
    expect(sink.writes).toHaveLength(0);
    expect(queue.enqueue(frame(2))).toBe(false);
  });
});

describe('WriteQueue over real Unix sockets: batch memory reused once written', () => {
  let dir: string;
  let server: Server;
  const clients: Socket[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'acton-write-queue-'));
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Push frame `i` of connection `c`: 100 bytes that say which frame they are. */
  const pushFrame = (c: number, i: number): Buffer => {
    const bytes = Buffer.alloc(100, (i * 7 + c) & 0xff);
    bytes.writeUInt32BE(i, 0);
    bytes[4] = c;
    return bytes;
  };

  it('delivers every byte intact to a peer that stops reading while another peer reads on', async () => {
    const path = join(dir, 'q.sock');
    const accepted: Socket[] = [];
    server = createServer((socket) => accepted.push(socket));
    await new Promise<void>((done) => server.listen(path, done));
    const received: Buffer[][] = [[], []];
    for (let c = 0; c < 2; c++) {
      const client = createConnection(path);
      client.on('data', (chunk: Buffer) => received[c].push(chunk));
      clients.push(client);
      await new Promise<void>((done) => client.once('connect', done));
    }
    while (accepted.length < 2) await tick();
    clients[0].pause(); // the slow peer: its writes wait in the kernel and in Node until it reads again
    const queues = accepted.map((socket) => new WriteQueue(socket, options({ highWaterMark: 64 * 1024 * 1024 })));
    const turns = 400;
    const perTurn = 40; // 4,000 bytes per batch: copied into the shared slabs, 1.6 MB per connection
    for (let turn = 0; turn < turns; turn++) {
      for (let c = 0; c < 2; c++) {
        for (let k = 0; k < perTurn; k++) queues[c].enqueue(pushFrame(c, turn * perTurn + k), 'push');
      }
      await tick();
    }
    const total = turns * perTurn * 100;
    const receivedBytes = (c: number): number => received[c].reduce((sum, chunk) => sum + chunk.length, 0);
    expect(receivedBytes(0)).toBeLessThan(total); // the slow peer's batches were still unwritten
    clients[0].resume();
    for (let waited = 0; (receivedBytes(0) < total || receivedBytes(1) < total) && waited < 10_000; waited++) {
      await tick();
    }
    for (let c = 0; c < 2; c++) {
      const expected = Buffer.concat(Array.from({ length: turns * perTurn }, (_, i) => pushFrame(c, i)));
      expect(Buffer.concat(received[c]).equals(expected)).toBe(true);
    }
    expect(queues.map((queue) => queue.pushBacklog)).toEqual([0, 0]);
  });
});
