import type { Socket } from 'node:net';
import { PeerInfo } from '../../core/runtime/peer-info';
import { FrameDecoder } from '../protocol/frame-decoder';
import { FramingError } from '../protocol/framing-error';
import { JSON_CODEC } from '../protocol/json-codec';
import { Frame, MessageType, ReservedCorrelationId } from '../protocol/wire-types';
import { ListenerContext } from './listener-context';
import { ListenerStats } from './listener-stats';
import { RateLimiter } from './rate-limiter';
import { Cancellable } from './request-host';
import { RequestRouter } from './request-router';
import { RouteConnection } from './route-connection';
import { WriteQueue } from './write-queue';

/** Stream producers pause while more than this many bytes wait to be written (backpressure). */
const WRITE_HIGH_WATER_MARK = 256 * 1024;
/** In serial mode, stop reading from the socket while this many frames wait their turn. */
const SERIAL_BACKLOG_PAUSE = 256;
/** After `end()`, a peer that does not take our last bytes within this long is destroyed (ms). */
const CLOSE_GRACE_MS = 2000;

type Inbound = Frame | { readonly framingError: FramingError };

/**
 * One admitted client connection (PROTOCOL.md §1, §3.5, §5.3, §5.4): reads frames with the
 * incremental decoder and hands them to the router, answers through one ordered write queue,
 * and owns the connection's rate-limit bucket, subscriptions, push buffer and timers.
 *
 * - Frames are dispatched as they arrive (§0 D2); with `compat.serial` one at a time, the next
 *   only after the previous one is answered (heartbeats wait too), like the reference.
 * - Idle read timeout (§5.3): `read_timeout_ms` without subscriptions, else
 *   `subscription_read_timeout_ms`; re-armed by each complete frame; never expires while a
 *   request is being answered; expiry closes silently (`errors` + 1).
 * - Write timeout (§0 D6): no write progress for `write_timeout_ms` → closed (`errors` + 1).
 * - Framing error (§1.6, §0 D3): one error frame, then the connection closes after the frames
 *   already queued (and answers to requests already accepted) are written.
 * - EOF (also a half-close, §9): requests already received are still answered, then the
 *   connection closes. A mid-frame EOF is not an error (§10 item 12).
 */
export class IpcConnection implements RouteConnection {
  readonly peer: PeerInfo;
  readonly subscribedTypes = new Set<string>();
  readonly rateLimiter: RateLimiter;
  readonly hideHandlerErrors: boolean;
  private readonly decoder: FrameDecoder;
  private readonly writer: WriteQueue;
  private readonly active = new Set<Cancellable>();
  private readonly serial: boolean;
  private backlog: Inbound[] = [];
  private pumping = false;
  private pending = 0;
  private orderGate?: Promise<unknown>;
  private readTimer?: NodeJS.Timeout;
  private readTimeoutMs = 0;
  private readEnded = false;
  private closing = false;
  private closed = false;

  /**
   * @param onClosed called once, after the socket closed and everything was released
   */
  constructor(
    private readonly socket: Socket,
    readonly id: string,
    private readonly ctx: ListenerContext,
    private readonly router: RequestRouter,
    private readonly onClosed: (connection: IpcConnection) => void,
  ) {
    const { config } = ctx;
    this.peer = Object.freeze({ connectionId: id });
    this.rateLimiter = new RateLimiter(config.rateLimit);
    this.hideHandlerErrors = config.compat.handlerErrors === 'hidden';
    this.serial = config.compat.serial;
    this.decoder = new FrameDecoder(config.limits.maxMessageSize);
    this.writer = new WriteQueue(socket, {
      writeTimeoutMs: config.timeouts.writeTimeoutMs,
      highWaterMark: WRITE_HIGH_WATER_MARK,
      onStalled: this.onWriteStalled,
    });
  }

  get stats(): ListenerStats {
    return this.ctx.stats;
  }

  /** Starts reading. */
  start(): void {
    // §5.8: Node has no core API for SO_PEERCRED, so uid/gid/pid stay unavailable.
    this.ctx.logger.debug(`IPC connection ${this.id} accepted (peer credentials unavailable)`);
    this.socket.on('data', this.onData);
    this.socket.on('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
    this.armReadTimer();
  }

  send(frame: Buffer): void {
    this.writer.enqueue(frame);
  }

  offerPush(frame: Buffer): boolean {
    // §5.4: never wait; a full push buffer (pushes not yet taken by the kernel) drops this one.
    if (this.closing || this.writer.pushBacklog >= this.ctx.config.limits.pushBufferSize) return false;
    return this.writer.enqueue(frame, true);
  }

  whenWritable(): Promise<void> | undefined {
    return this.writer.whenWritable();
  }

  beginRequest(): void {
    this.pending++;
    this.ctx.stats.inFlightRequests++;
  }

  finishRequest(): void {
    if (this.closed) return; // already released by close()
    this.pending--;
    this.ctx.stats.inFlightRequests--;
    if (this.pending > 0) return;
    this.readTimer?.refresh(); // §5.3: the idle clock restarts once nothing is being handled
    if (this.serial) this.drainBacklog();
    this.closeIfFinished();
  }

  reportHiddenError(err: unknown, correlationId: string): void {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.ctx.logger.warn(`IPC request ${correlationId} on connection ${this.id} failed in its handler (${text}); the client got the no-reply IO_ERROR because compat.handler_errors = "hidden"`, err);
  }

  track(request: Cancellable): void {
    this.active.add(request);
  }

  untrack(request: Cancellable): void {
    this.active.delete(request);
  }

  inOrder(decoded: object | Promise<object>, proceed: (message: object) => void, fail: (err: unknown) => void): void {
    if (!this.orderGate && !isThenable(decoded)) return proceed(decoded as object);
    const gate: Promise<unknown> = (this.orderGate ?? Promise.resolve())
      .then(() => decoded)
      .then(
        (message) => (this.closed ? undefined : proceed(message as object)),
        (err: unknown) => (this.closed ? undefined : fail(err)),
      );
    this.orderGate = gate;
    void gate.then(() => {
      if (this.orderGate === gate) this.orderGate = undefined;
    });
  }

  subscriptionsChanged(): void {
    this.armReadTimer();
  }

  /**
   * Closes after the queued frames are written (`graceful`), or at once. Used by the listener's
   * stop and by the connection's own timeouts and errors.
   */
  close(graceful = true): void {
    if (this.closed || (graceful && this.closing)) return;
    this.closing = true;
    this.clearReadTimer();
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
    const { frames, error } = this.decoder.push(chunk);
    if (frames.length > 0) this.readTimer?.refresh();
    for (const frame of frames) this.accept(frame);
    if (error) this.accept({ framingError: error });
  };

  private accept(item: Inbound): void {
    if (this.closing) return;
    if (this.serial && (this.pending > 0 || this.backlog.length > 0)) {
      this.backlog.push(item);
      if (this.backlog.length >= SERIAL_BACKLOG_PAUSE) this.socket.pause();
      return;
    }
    this.process(item);
  }

  private process(item: Inbound): void {
    if ('framingError' in item) return this.framingFailure(item.framingError);
    try {
      this.router.route(item, this);
    } catch (err) {
      // The router answers every failure itself; reaching here is a bug, not the client's fault.
      this.ctx.stats.errors++;
      this.ctx.logger.error(`IPC connection ${this.id}: frame type 0x${item.type.toString(16)} could not be handled: ${String(err)}; closing the connection`, err);
      this.close();
    }
  }

  /** Serial mode (§3.5 reference behaviour): the next frame only once nothing is pending. */
  private drainBacklog(): void {
    if (this.pumping) return; // the outer loop continues (no recursion through synchronous answers)
    this.pumping = true;
    try {
      while (this.backlog.length > 0 && this.pending === 0 && !this.closing) this.process(this.backlog.shift()!);
    } finally {
      this.pumping = false;
    }
    if (this.backlog.length < SERIAL_BACKLOG_PAUSE && this.socket.isPaused() && !this.closing) this.socket.resume();
  }

  /** §1.6 steps 2–5 with our D3: one error frame, stop reading, close after what is queued. */
  private framingFailure(error: FramingError): void {
    this.ctx.stats.errors++;
    this.ctx.logger.warn(`IPC connection ${this.id}: ${error.message}; sent the error frame and closed the connection (the client does not speak the framing of PROTOCOL.md §1)`);
    const body = { correlation_id: ReservedCorrelationId.PROTOCOL_ERROR, success: false, error: error.message, error_code: error.code };
    this.send(JSON_CODEC.encodeFrame(MessageType.ERROR, body));
    this.readEnded = true;
    this.socket.off('data', this.onData);
    this.closeIfFinished();
  }

  private readonly onEnd = (): void => {
    this.readEnded = true;
    if (this.decoder.midFrame) this.ctx.logger.debug(`IPC connection ${this.id}: peer closed in the middle of a frame`);
    this.closeIfFinished();
  };

  /** After EOF or a framing error: close once every accepted request is answered. */
  private closeIfFinished(): void {
    if (this.readEnded && this.pending === 0 && (this.backlog.length === 0 || this.closing)) this.close();
  }

  private readonly onError = (err: Error): void => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPIPE' && code !== 'ECONNRESET') this.ctx.logger.debug(`IPC connection ${this.id}: socket error ${err.message}`);
    this.socket.destroy();
  };

  private readonly onWriteStalled = (): void => {
    // §0 D6: pending writes made no progress for write_timeout_ms.
    this.ctx.stats.errors++;
    this.ctx.logger.warn(
      `IPC connection ${this.id}: closed because its pending writes made no progress for ${this.ctx.config.timeouts.writeTimeoutMs} ms (write_timeout_ms); the client is not reading its answers`,
    );
    this.close(false);
  };

  private readonly onReadTimeout = (): void => {
    if (this.closing) return;
    if (this.pending > 0) {
      this.readTimer?.refresh(); // §5.3: not running while a request is being handled
      return;
    }
    this.ctx.stats.errors++;
    this.ctx.logger.debug(`IPC connection ${this.id}: idle for ${this.readTimeoutMs} ms; closing it (read timeout)`);
    this.close();
  };

  private readonly onClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.clearReadTimer();
    this.writer.dispose();
    this.ctx.stats.inFlightRequests -= this.pending;
    this.pending = 0;
    this.backlog = [];
    for (const request of [...this.active]) request.cancel();
    this.active.clear();
    this.ctx.subscriptions.removeTarget(this);
    this.onClosed(this);
  };

  /** §5.3: which timeout applies depends on whether the connection has subscriptions. */
  private armReadTimer(): void {
    if (this.closing) return;
    const { readTimeoutMs, subscriptionReadTimeoutMs } = this.ctx.config.timeouts;
    const timeout = this.subscribedTypes.size > 0 ? subscriptionReadTimeoutMs : readTimeoutMs;
    if (timeout === this.readTimeoutMs && this.readTimer) return;
    this.clearReadTimer();
    this.readTimeoutMs = timeout;
    if (timeout > 0) {
      this.readTimer = setTimeout(this.onReadTimeout, timeout);
      this.readTimer.unref();
    }
  }

  private clearReadTimer(): void {
    if (this.readTimer) clearTimeout(this.readTimer);
    this.readTimer = undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function';
}
