import { Socket } from 'node:net';
import type { Writable } from 'node:stream';

/** Settings of a connection's write queue. */
export interface WriteQueueOptions {
  /** Close the connection when pending writes make no progress this long (ms); 0 = never (§0 D6). */
  readonly writeTimeoutMs: number;
  /** Bytes waiting (ours + the socket's) above which `whenWritable()` asks producers to wait. */
  readonly highWaterMark: number;
  /** Called once when the write timeout expires. */
  readonly onStalled: () => void;
}

/**
 * What a queued frame is, which decides when its batch is written:
 * - `answer`: the last frame of a request (§3.1): a client waits for it, so a burst of answers is
 *   written every `EARLY_FLUSH_ANSWERS` frames;
 * - `part`: a stream's data frame (§2.8) and `push`: a push notification (§2.5): nobody waits for
 *   one frame in particular, so they are written at the end of the turn or every
 *   `EARLY_FLUSH_BYTES` (a push also counts in the push buffer until written, §5.4).
 */
export type QueuedFrameKind = 'answer' | 'part' | 'push';

/**
 * A batch is written as soon as it holds this many answers, without waiting for the end of the
 * burst. Why: a client pipelining many requests then gets its first answers while the rest
 * are still being handled, and sends its next requests meanwhile; flushing only at the end of
 * the burst made client and server take turns (bench W2 1×64: 0.59 → 0.81 of the baseline).
 */
const EARLY_FLUSH_ANSWERS = 16;

/**
 * A batch is written as soon as it holds this many bytes, whatever its frames. A stream whose
 * producer never leaves the microtask queue (an async generator over data at hand) would
 * otherwise fill the batch until backpressure; flushing its parts every 16 frames instead cost
 * one syscall per ~1 KB (bench W3: 3.7 → 1.9 µs of server CPU per item at 32 KiB).
 */
const EARLY_FLUSH_BYTES = 32 * 1024;

/** Batches larger than this are written frame by frame (corked) instead of concatenated. */
const CONCAT_LIMIT = 64 * 1024;

/**
 * While writes are outstanding, the write timeout looks this many times per `writeTimeoutMs`
 * whether one completed: a stall is reported between 1 and 1 + 1/STALL_LOOKS timeouts after
 * the last progress (see `checkStall`).
 */
const STALL_LOOKS = 4;

/** Size of the shared slab small batches are concatenated into. */
const SLAB_SIZE = 64 * 1024;
/** Batches up to this size are copied into the shared slab rather than into a buffer of their own. */
const SLAB_BATCH_LIMIT = 16 * 1024;
/** Written slabs kept for reuse (beyond them, a written slab is left to the GC). */
const SPARE_SLABS = 4;

/** One slab: its memory, how much of it is handed out, and how many handed-out regions are not yet written. */
interface Slab {
  readonly memory: Buffer;
  used: number;
  unwritten: number;
  /** A region of it went where it may be kept after its write (not a socket): never reused. */
  held: boolean;
}

/**
 * Where every connection's small batches are concatenated: consecutive regions of one shared
 * slab, a new slab once it is full, like Node's own pool for small Buffers (which stops at
 * 4 KiB). Why: `Buffer.concat` of a batch above 4 KiB allocates an ArrayBuffer of its own per
 * write (bench W4, 50 pushes per turn to each of 10 subscribers: ≈ 12 % of server CPU).
 *
 * A slab whose regions have all been written to a socket is reused (`released` counts them):
 * a socket's write callback runs once the kernel has taken the bytes, so nothing reads the
 * region after it. Why: a slab left to the GC outlives its writes until a collection finds it,
 * and a run of pushes to slow readers survives scavenges, so garbage slabs piled up as external
 * memory between full GCs (bench W4: 9 MB external, 7 MB more of the malloc heap, against the
 * baseline's 2 MB). A region whose write never completes keeps its slab out of reuse, and only
 * that slab, which the GC then frees as before. Only socket writes use regions that come back
 * (`concat(…, true)`): a plain stream may hold a chunk after its callback.
 */
class BatchSlab {
  private slab: Slab = newSlab();
  private readonly spare: Slab[] = [];

  /**
   * `frames` (together `bytes` ≤ `SLAB_BATCH_LIMIT` long) copied into one fresh region.
   * @param returned the caller will call `released(this.current)` once the region was written
   */
  concat(frames: readonly Buffer[], bytes: number, returned: boolean): Buffer {
    let slab = this.slab;
    if (slab.used + bytes > SLAB_SIZE) {
      // Full: start over in this slab when all of it was written, else in a spare or a new one.
      if (slab.unwritten === 0 && !slab.held) slab.used = 0;
      else slab = this.slab = this.spare.pop() ?? newSlab();
    }
    const start = slab.used;
    let at = start;
    for (let i = 0; i < frames.length; i++) {
      frames[i].copy(slab.memory, at);
      at += frames[i].length;
    }
    slab.used = at;
    if (returned) slab.unwritten++;
    else slab.held = true;
    return slab.memory.subarray(start, at);
  }

  /** The slab `concat` copies into now (to hand back to `released` with its region). */
  get current(): Slab {
    return this.slab;
  }

  /** One region of `slab` was written: a slab no longer filled and fully written becomes a spare. */
  released(slab: Slab): void {
    if (--slab.unwritten > 0 || slab.held || slab === this.slab) return;
    slab.used = 0;
    if (this.spare.length < SPARE_SLABS) this.spare.push(slab);
  }
}

function newSlab(): Slab {
  return { memory: Buffer.allocUnsafeSlow(SLAB_SIZE), used: 0, unwritten: 0, held: false };
}

const BATCH_SLAB = new BatchSlab();

/**
 * One connection's ordered outbound queue (docs/protocol.md §3.5): frames are written whole and in
 * enqueue order, never interleaved. Frames enqueued during one turn of the event loop are
 * written together on `process.nextTick` — after the microtasks that produced them, before the
 * event loop moves on — as one `write` of one concatenated buffer (or a corked run
 * for big frames), so a burst of answers costs one syscall per `EARLY_FLUSH_ANSWERS` frames and
 * a stream or a run of pushes one per `EARLY_FLUSH_BYTES`.
 *
 * Also tracks what the connection needs for §5.4 and §0 D6: how many pushes are not yet handed
 * to the kernel (the push buffer), whether writes make progress (write timeout), and whether
 * producers should pause (stream backpressure). It writes to any `Writable`: the connection's
 * socket in the server, a plain stream in unit tests.
 */
export class WriteQueue {
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private batchPushes = 0;
  private batchAnswers = 0;
  private scheduled = false;
  private outstandingWrites = 0;
  private unflushedPushes = 0;
  /** Writes the socket completed so far: `checkStall` compares it between its looks. */
  private completedWrites = 0;
  private seenCompleted = 0;
  private lastProgressAt = 0;
  private lastQueued = -1;
  private stallTimer?: NodeJS.Timeout;
  private stallArmed = false;
  private waiters: (() => void)[] = [];
  private closed = false;

  /** Whether written slab regions go back to the slab: only a socket's are done with at their callback. */
  private readonly slabReturns: boolean;

  constructor(
    private readonly socket: Writable,
    private readonly options: WriteQueueOptions,
  ) {
    socket.on('drain', this.onDrain);
    this.slabReturns = socket instanceof Socket;
  }

  /** Pushes enqueued but not yet accepted by the kernel (the connection's push buffer fill). */
  get pushBacklog(): number {
    return this.unflushedPushes;
  }

  /** Bytes waiting: our batch plus the socket's own buffer. */
  get backlogBytes(): number {
    return this.batchBytes + this.socket.writableLength;
  }

  /**
   * Queues one whole frame. Returns false (frame dropped) once the queue is closed.
   * @param kind what the frame is (see `QueuedFrameKind`): when its batch is written, and
   *   whether it counts in `pushBacklog` until flushed
   */
  enqueue(frame: Buffer, kind: QueuedFrameKind = 'answer'): boolean {
    if (this.closed) return false;
    this.batch.push(frame);
    this.batchBytes += frame.length;
    if (kind === 'answer') this.batchAnswers++;
    else if (kind === 'push') {
      this.batchPushes++;
      this.unflushedPushes++;
    }
    if (this.batchAnswers >= EARLY_FLUSH_ANSWERS || this.batchBytes >= EARLY_FLUSH_BYTES) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
    return true;
  }

  /**
   * `undefined` while the backlog is below the high-water mark; otherwise a Promise that
   * resolves once the socket drained below it (or the queue closed). Stream sinks return it so
   * AsyncIterable producers pause (backpressure).
   */
  whenWritable(): Promise<void> | undefined {
    if (this.closed || this.backlogBytes <= this.options.highWaterMark) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Writes what is queued, then half-closes the socket (FIN after the last byte). Frames queued
   * later are dropped.
   */
  end(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.releaseWaiters();
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Drops everything (the socket is gone) and stops timers. */
  dispose(): void {
    this.closed = true;
    this.batch = [];
    this.batchBytes = 0;
    this.batchPushes = 0;
    this.batchAnswers = 0;
    this.unflushedPushes = 0;
    this.stallArmed = false;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.socket.off('drain', this.onDrain);
    this.releaseWaiters();
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.batch.length === 0 || this.socket.destroyed || this.socket.writableEnded) return;
    const frames = this.batch;
    const pushes = this.batchPushes;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.batchPushes = 0;
    this.batchAnswers = 0;
    this.outstandingWrites++;
    this.armStallTimer();
    // One shared callback for writes without pushes: no closure per write, and Node's stream
    // then counts consecutive completions instead of queueing one tick each.
    const done = pushes === 0 ? this.answersWritten : (): void => this.written(pushes);
    if (frames.length === 1) {
      this.socket.write(frames[0], done);
    } else if (bytes <= SLAB_BATCH_LIMIT) {
      const region = BATCH_SLAB.concat(frames, bytes, this.slabReturns);
      if (!this.slabReturns) this.socket.write(region, done);
      else {
        const slab = BATCH_SLAB.current;
        this.socket.write(region, (): void => {
          BATCH_SLAB.released(slab);
          done();
        });
      }
    } else if (bytes <= CONCAT_LIMIT) {
      this.socket.write(Buffer.concat(frames, bytes), done);
    } else {
      this.socket.cork();
      for (let i = 0; i < frames.length - 1; i++) this.socket.write(frames[i]);
      this.socket.write(frames[frames.length - 1], done);
      this.socket.uncork();
    }
  };

  private readonly answersWritten = (): void => this.written(0);

  /** A write completed: counted, not timed (a clock read per write was a cost of every lone answer, bench W1). */
  private written(pushes: number): void {
    this.outstandingWrites--;
    this.completedWrites++;
    if (pushes > 0) this.unflushedPushes = Math.max(0, this.unflushedPushes - pushes);
  }

  private armStallTimer(): void {
    const timeout = this.options.writeTimeoutMs;
    if (timeout <= 0 || this.stallArmed) return;
    this.stallArmed = true;
    this.lastProgressAt = Date.now();
    this.seenCompleted = this.completedWrites;
    this.stallTimer = setTimeout(this.checkStall, stallLookDelay(timeout, timeout));
    this.stallTimer.unref();
  }

  /**
   * D6: closes only when writes are outstanding and none completed for `writeTimeoutMs`. Looks
   * every quarter of the timeout while writes are outstanding; a look that finds more writes
   * completed (or libuv's queue moved) counts as progress at that moment, so a stall is reported
   * at most a quarter of the timeout late, never early.
   */
  private readonly checkStall = (): void => {
    this.stallArmed = false;
    if (this.socket.destroyed || this.outstandingWrites === 0) return;
    const now = Date.now();
    // A big write completes (callback) only when all of it is written; libuv's queue size shows
    // partial progress in between, so a slow but reading client is not mistaken for a stuck one.
    const queued = handleQueueSize(this.socket);
    if (queued !== this.lastQueued || this.completedWrites !== this.seenCompleted) {
      this.lastQueued = queued;
      this.seenCompleted = this.completedWrites;
      this.lastProgressAt = now;
    }
    const timeout = this.options.writeTimeoutMs;
    const idle = now - this.lastProgressAt;
    if (idle >= timeout) {
      this.options.onStalled();
      return;
    }
    this.stallArmed = true;
    this.stallTimer = setTimeout(this.checkStall, stallLookDelay(timeout, timeout - idle));
    this.stallTimer.unref();
  };

  private readonly onDrain = (): void => {
    if (this.backlogBytes <= this.options.highWaterMark) this.releaseWaiters();
  };

  private releaseWaiters(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The delay to the stall timer's next look: a quarter of the timeout, or what is left of it if less. */
function stallLookDelay(timeoutMs: number, leftMs: number): number {
  return Math.max(1, Math.min(leftMs, Math.ceil(timeoutMs / STALL_LOOKS)));
}

/** Bytes libuv still has to write for this socket (`-1` when the handle does not say). */
function handleQueueSize(socket: Writable): number {
  const size = (socket as unknown as { _handle?: { writeQueueSize?: unknown } })._handle?.writeQueueSize;
  return typeof size === 'number' ? size : -1;
}
