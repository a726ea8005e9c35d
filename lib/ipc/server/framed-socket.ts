import type { Socket } from 'node:net';
import { Logger } from '../../core/runtime/logger';
import { PeerInfo } from '../../core/runtime/message-context';
import { FrameDecoder } from '../protocol/frame-decoder';
import { FramingError } from '../protocol/framing-error';
import { Frame } from '../protocol/wire-types';
import { IdleClock } from './idle-clock';
import { WriteQueue } from './write-queue';

/** Stream producers pause while more than this many bytes wait to be written (backpressure). */
const WRITE_HIGH_WATER_MARK = 256 * 1024;
/** After a graceful close, a peer that does not take our last bytes within this long is destroyed (ms). */
const CLOSE_GRACE_MS = 2000;

/**
 * The one port a request pipeline has on its connection (docs/protocol.md §1, §3.5, §5.3, §5.4):
 * frames out, pushes out, flow control, the idle clock, close. Frames come in through the
 * `FrameReceiver` given to `start()`; nothing else of the socket is visible.
 */
export interface FrameTransport {
  /** Who is on the other end: the id, and uid/gid/pid + admitted identity where known (§5.8, §11.2). */
  readonly peer: PeerInfo;
  /** Resolves once the socket closed and the transport released everything. */
  readonly closed: Promise<void>;
  /**
   * Queues one whole encoded frame; frames are written in queue order, never interleaved (§3.5).
   * @param kind `part` for a stream's data frame (written in bigger batches), else an answer
   */
  send(frame: Buffer, kind?: 'answer' | 'part'): void;
  /** Offers one push frame; false (dropped) when the push buffer is full or closing. Never waits (§5.4). */
  offerPush(frame: Buffer): boolean;
  /** Stream backpressure: a Promise while the write backlog is above its high-water mark. */
  whenWritable(): Promise<void> | undefined;
  /** Stops (or resumes) reading from the socket: the serial backlog is full (or has room again). */
  pauseReading(paused: boolean): void;
  /** §5.3: the idle read timeout in ms (0 = none); re-armed by each complete frame. */
  setReadTimeout(ms: number): void;
  /** Restarts the idle clock (§5.3: it restarts once nothing is being answered). */
  restartReadTimer(): void;
  /** Writes what is queued then closes (`graceful`), or closes at once. Idempotent. */
  close(graceful?: boolean): void;
}

/** Where a transport delivers what it reads, in wire order. Implemented by the request pipeline. */
export interface FrameReceiver {
  /** One complete frame. Not called after `close()`. */
  frame(frame: Frame): void;
  /** The byte stream broke the framing rules (§1.6): reading has stopped; no frame follows. */
  framingError(error: FramingError): void;
  /** The peer sent EOF (or half-closed, §9); a frame cut short by it is dropped (§10 item 12). */
  peerEnded(): void;
  /** No complete frame arrived for the read timeout (§5.3); the receiver decides whether to close. */
  readTimedOut(timeoutMs: number): void;
  /** Queued writes made no progress for `write_timeout_ms` (§0 D6); the transport closes at once after this. */
  writeStalled(): void;
  /** The socket closed; called once, last. */
  connectionClosed(): void;
}

/** Settings of a framed socket (from the resolved IPC configuration). */
export interface FramedSocketOptions {
  /** `limits.max_message_size` (§1.3). */
  readonly maxMessageSize: number;
  /** `timeouts.write_timeout_ms`, 0 = never (§0 D6). */
  readonly writeTimeoutMs: number;
  /** `limits.push_buffer_size` (§5.4). */
  readonly pushBufferSize: number;
}

/**
 * One accepted Unix socket speaking the frame layer (docs/protocol.md §1): an incremental
 * decoder in, one ordered write queue out, the idle read timer, the write timeout and the
 * graceful close. It knows nothing about requests: it hands frames to its `FrameReceiver` and
 * does what the `FrameTransport` port is asked to do, so data flows one way through it.
 */
export class FramedSocket implements FrameTransport {
  readonly peer: PeerInfo;
  readonly closed: Promise<void>;
  private readonly decoder: FrameDecoder;
  private readonly writer: WriteQueue;
  private receiver?: FrameReceiver;
  private resolveClosed!: () => void;
  /** §5.3's idle read timeout: touched by each complete frame and each restart. */
  private readonly idle: IdleClock;
  private closing = false;
  private released = false;

  readonly id: string;

  /** @param peer the connection id and, where known, the peer's credentials and admitted identity */
  constructor(
    private readonly socket: Socket,
    peer: PeerInfo,
    private readonly options: FramedSocketOptions,
    private readonly logger: Logger,
  ) {
    this.id = peer.connectionId;
    this.peer = Object.freeze({ ...peer });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.decoder = new FrameDecoder(options.maxMessageSize);
    this.writer = new WriteQueue(socket, {
      writeTimeoutMs: options.writeTimeoutMs,
      highWaterMark: WRITE_HIGH_WATER_MARK,
      onStalled: this.onWriteStalled,
    });
    this.idle = new IdleClock((timeoutMs) => {
      if (!this.closing) this.receiver!.readTimedOut(timeoutMs);
    });
  }

  /** Starts reading; every frame goes to `receiver`. */
  start(receiver: FrameReceiver): void {
    this.receiver = receiver;
    const { uid, gid, pid } = this.peer;
    const who =
      uid === undefined
        ? 'peer credentials unavailable'
        : `peer uid ${uid}, gid ${gid}${pid === undefined ? '' : `, pid ${pid}`}`;
    this.logger.debug(`IPC connection ${this.id} accepted (${who})`);
    this.socket.on('data', this.onData);
    this.socket.on('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
  }

  send(frame: Buffer, kind: 'answer' | 'part' = 'answer'): void {
    this.writer.enqueue(frame, kind);
  }

  offerPush(frame: Buffer): boolean {
    if (this.closing || this.writer.pushBacklog >= this.options.pushBufferSize) return false;
    return this.writer.enqueue(frame, 'push');
  }

  whenWritable(): Promise<void> | undefined {
    return this.writer.whenWritable();
  }

  pauseReading(paused: boolean): void {
    if (paused) this.socket.pause();
    else if (this.socket.isPaused() && !this.closing) this.socket.resume();
  }

  setReadTimeout(ms: number): void {
    if (!this.closing) this.idle.set(ms);
  }

  restartReadTimer(): void {
    this.idle.touch();
  }

  close(graceful = true): void {
    if (this.released || (graceful && this.closing)) return;
    this.closing = true;
    this.idle.stop();
    this.socket.off('data', this.onData);
    if (!graceful) {
      this.socket.destroy();
      return;
    }
    // Once our last byte and FIN are handed to the kernel the peer can read them even after we
    // release the socket; a peer that does not read is cut off after CLOSE_GRACE_MS.
    this.socket.once('finish', () => this.socket.destroy());
    this.writer.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private readonly onData = (chunk: Buffer): void => {
    const error = this.decoder.feed(chunk, this.onFrame);
    if (!error || this.closing) return;
    // §1.6: the stream cannot be resynchronised; no more bytes are read.
    this.socket.off('data', this.onData);
    this.receiver!.framingError(error);
  };

  /** Each complete frame, as the decoder finds it: the frames after a close are dropped. */
  private readonly onFrame = (frame: Frame): void => {
    if (this.closing) return;
    this.idle.touch();
    this.receiver!.frame(frame);
  };

  private readonly onEnd = (): void => {
    if (this.decoder.midFrame) this.logger.debug(`IPC connection ${this.id}: peer closed in the middle of a frame`);
    this.receiver!.peerEnded();
  };

  private readonly onError = (err: Error): void => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPIPE' && code !== 'ECONNRESET')
      this.logger.debug(`IPC connection ${this.id}: socket error ${err.message}`);
    this.socket.destroy();
  };

  private readonly onWriteStalled = (): void => {
    this.receiver!.writeStalled();
    this.close(false);
  };

  private readonly onClose = (): void => {
    if (this.released) return;
    this.released = true;
    this.closing = true;
    this.idle.stop();
    this.writer.dispose();
    this.receiver!.connectionClosed();
    this.resolveClosed();
  };
}
