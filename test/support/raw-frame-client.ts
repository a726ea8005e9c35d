import { connect, Socket } from 'node:net';
import { codecFor } from '../../lib/ipc/protocol/payload-codec';
import { encodeFrame } from '../../lib/ipc/protocol/frame-encoder';
import { FrameDecoder } from '../../lib/ipc/protocol/frame-decoder';
import { Format, Frame, MAX_FRAME_SIZE, MessageType } from '../../lib/ipc/protocol/wire-types';

/** A frame the server sent, with its payload decoded by the header's format byte. */
export interface ReceivedFrame extends Frame {
  /** The decoded payload; `undefined` for an empty payload (heartbeats). */
  readonly body: any;
}

/** A request-response envelope (`expects_reply: true`, docs/protocol.md §2.2) for `RawFrameClient.request`. */
export const askEnvelope = (
  id: string,
  target: string,
  type: string,
  payload: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  correlation_id: id,
  target,
  message_type: type,
  payload,
  expects_reply: true,
  ...extra,
});

/**
 * A deliberately dumb test client: writes raw bytes or whole frames and reads the server's frames
 * with our own decoder, in order. No correlation, no retries — the tests see the wire as it is.
 */
export class RawFrameClient {
  private readonly decoder = new FrameDecoder(MAX_FRAME_SIZE);
  private readonly received: ReceivedFrame[] = [];
  private waiters: (() => void)[] = [];
  private rawBytes: Buffer[] = [];
  private ended = false;
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.rawBytes.push(chunk);
      for (const frame of this.decoder.push(chunk).frames) {
        const body = frame.payload.length === 0 ? undefined : codecFor(frame.format).decode(frame.payload);
        this.received.push({ ...frame, payload: Buffer.from(frame.payload), body });
      }
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closedFlag = true;
        this.wake();
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  /** Connects to a Unix socket. */
  static connect(path: string, timeoutMs = 5000): Promise<RawFrameClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ path, allowHalfOpen: true });
      const timer = setTimeout(() => reject(new Error(`connect to ${path} timed out`)), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RawFrameClient(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Whether the server closed its side (EOF). */
  get eof(): boolean {
    return this.ended;
  }

  /** Whether the socket is fully closed. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Every byte received so far. */
  get bytes(): Buffer {
    return Buffer.concat(this.rawBytes);
  }

  /** Frames received and not yet taken by `next()`. */
  get buffered(): readonly ReceivedFrame[] {
    return this.received;
  }

  /** Writes raw bytes. */
  write(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes.replace(/\s+/g, ''), 'hex') : bytes);
  }

  /** Writes one v2 frame carrying `body` encoded in `format` (a string body is sent as raw text). */
  send(type: MessageType, body: unknown, format: Format = Format.JSON): void {
    const payload =
      typeof body === 'string'
        ? Buffer.from(body)
        : codecFor(format)
            .encodeFrame(type, body as object)
            .subarray(7);
    this.write(encodeFrame(type, format, payload));
  }

  /** Sends a Request envelope (v2 JSON unless told otherwise). */
  request(envelope: Record<string, unknown>, format: Format = Format.JSON): void {
    this.send(MessageType.REQUEST, envelope, format);
  }

  /** The next frame, waiting up to `timeoutMs`. Rejects on timeout or when the connection ended first. */
  async next(timeoutMs = 5000): Promise<ReceivedFrame> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length === 0) {
      if (this.ended || this.closedFlag) throw new Error('connection ended before the next frame arrived');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await this.wait(left);
    }
    return this.received.shift()!;
  }

  /** The next `count` frames. */
  async nextFrames(count: number, timeoutMs = 5000): Promise<ReceivedFrame[]> {
    const frames: ReceivedFrame[] = [];
    for (let i = 0; i < count; i++) frames.push(await this.next(timeoutMs));
    return frames;
  }

  /** The next frame whose body matches `predicate` (others are skipped and returned too). */
  async nextWhere(
    predicate: (frame: ReceivedFrame) => boolean,
    timeoutMs = 5000,
  ): Promise<{ frame: ReceivedFrame; skipped: ReceivedFrame[] }> {
    const skipped: ReceivedFrame[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()));
      if (predicate(frame)) return { frame, skipped };
      skipped.push(frame);
    }
  }

  /** True when no frame arrives within `ms` (nothing buffered either). */
  async quietFor(ms: number): Promise<boolean> {
    if (this.received.length > 0) return false;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.received.length === 0;
  }

  /** Resolves when the server closed the connection (EOF or close), or rejects after `timeoutMs`. */
  async waitForEof(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && !this.closedFlag) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`connection still open after ${timeoutMs} ms`);
      await this.wait(left);
    }
  }

  /** Half-closes our side (the server sees EOF). */
  endWriting(): void {
    this.socket.end();
  }

  /** Closes the connection and waits until it is closed. */
  async close(): Promise<void> {
    this.socket.destroy();
    await this.closedPromise;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const done of waiters) done();
  }
}
