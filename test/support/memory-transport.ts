import { PeerInfo } from '../../lib/core/runtime/peer-info';
import { codecFor } from '../../lib/ipc/protocol';
import { FrameDecoder } from '../../lib/ipc/protocol/frame-decoder';
import { Format, MAX_FRAME_SIZE, MessageType } from '../../lib/ipc/protocol/wire-types';
import { FrameReceiver, FrameTransport } from '../../lib/ipc/server/framed-socket';
import { ReceivedFrame } from './raw-frame-client';

/**
 * A `FrameTransport` without a socket, for unit tests of the request pipeline: it keeps the
 * frames the pipeline sends (decoded as a client would), records what the pipeline asked of
 * it (pause, read timeout, close), and lets the test feed frames and connection events in.
 */
export class MemoryTransport implements FrameTransport {
  readonly peer: PeerInfo = Object.freeze({ connectionId: 'memory-1' });
  readonly closed: Promise<void>;
  readonly sent: ReceivedFrame[] = [];
  readonly pushes: Buffer[] = [];
  /** `close()` calls, with their `graceful` argument. */
  readonly closeCalls: boolean[] = [];
  readTimeoutMs = -1;
  readTimerRestarts = 0;
  paused = false;
  /** Bytes above which `whenWritable()` asks producers to wait (default: never). */
  writableLimit = Infinity;
  private receiver?: FrameReceiver;
  private resolveClosed!: () => void;
  private waiters: (() => void)[] = [];
  private readonly decoder = new FrameDecoder(MAX_FRAME_SIZE);
  private backlogBytes = 0;

  constructor() {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Connects the pipeline under test. */
  attach(receiver: FrameReceiver): void {
    this.receiver = receiver;
  }

  send(frame: Buffer): void {
    this.backlogBytes += frame.length;
    for (const decoded of this.decoder.push(frame).frames) {
      const body = decoded.payload.length === 0 ? undefined : codecFor(decoded.format).decode(decoded.payload);
      this.sent.push({ ...decoded, payload: Buffer.from(decoded.payload), body });
    }
  }

  offerPush(frame: Buffer): boolean {
    this.pushes.push(frame);
    return true;
  }

  whenWritable(): Promise<void> | undefined {
    if (this.backlogBytes <= this.writableLimit) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The "socket" took every byte: producers waiting in `whenWritable()` go on. */
  drain(): void {
    this.backlogBytes = 0;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  pauseReading(paused: boolean): void {
    this.paused = paused;
  }

  setReadTimeout(ms: number): void {
    this.readTimeoutMs = ms;
  }

  restartReadTimer(): void {
    this.readTimerRestarts++;
  }

  close(graceful = true): void {
    this.closeCalls.push(graceful);
  }

  /** Feeds one frame with `body` encoded in `format`, through a real decoder. */
  receive(type: MessageType, body: object, format: Format = Format.JSON): void {
    this.receiveBytes(codecFor(format).encodeFrame(type, body));
  }

  /** Feeds a request envelope (JSON). */
  request(envelope: Record<string, unknown>): void {
    this.receive(MessageType.REQUEST, envelope);
  }

  /** Feeds whole encoded frames (e.g. `HEARTBEAT_FRAME`). */
  receiveBytes(bytes: Buffer): void {
    for (const frame of new FrameDecoder(MAX_FRAME_SIZE).push(bytes).frames) this.receiver!.frame(frame);
  }

  /** The socket closed (what `FramedSocket` reports on `close`). */
  disconnect(): void {
    this.receiver!.connectionClosed();
    this.resolveClosed();
  }

  /** Answers sent for `correlationId`, in order. */
  answersTo(correlationId: string): ReceivedFrame[] {
    return this.sent.filter((frame) => frame.body?.correlation_id === correlationId);
  }
}
