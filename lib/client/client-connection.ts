import { performance } from 'node:perf_hooks';
import { ErrorCode } from '../core/errors/error-code';
import {
  codecFor,
  encodeFrame,
  Format,
  Frame,
  FrameDecoder,
  MAX_FRAME_SIZE,
  MessageType,
  PayloadCodec,
  PushNotification,
  ReservedCorrelationId,
  ResponseBody,
  StreamFrameBody,
} from '../ipc/protocol';
import { CallRoute } from './call-route';
import { startTimer } from './clamped-timer';
import { IpcRequestError } from './ipc-request-error';
import { TransportFactory, Transport } from './transport';
import { connectionClosedError, errorFromResponse } from './wire-errors';

/** How one `ClientConnection` is opened and kept. */
export interface ConnectionSettings {
  readonly socketPath: string;
  /** Format of the frames this connection writes (answers are decoded by their own format byte, §1.4). */
  readonly codec: PayloadCodec;
  /** Bound in ms for the socket connect plus the admission probe. */
  readonly connectTimeoutMs: number;
  /** Send a heartbeat when nothing was written for this many ms; 0 = never. */
  readonly heartbeatIntervalMs: number;
  readonly transportFactory: TransportFactory;
}

/** What a connection tells its owner besides per-call answers. */
export interface ConnectionListener {
  /** A `0x05` push notification (always JSON, §2.6). */
  onPush?(push: PushNotification): void;
  /** The connection went away without `close()` being called; every open call was already failed with `error`. */
  onLost?(error: IpcRequestError): void;
}

const EMPTY = Buffer.alloc(0);

/**
 * One admitted connection to an acton IPC server: writes frames, decodes what comes back
 * (incrementally, both header layouts) and routes it by correlation id to `CallRoute`s.
 *
 * Opening includes an admission probe: the server answers a refused connection with one
 * `CONNECTION_LIMIT_REACHED` frame before reading anything (docs/protocol.md §5.2) and answers every
 * heartbeat (§2.4), so a heartbeat reply proves the connection was admitted.
 */
export class ClientConnection {
  private readonly decoder = new FrameDecoder(MAX_FRAME_SIZE);
  private readonly routes = new Map<string, CallRoute>();
  /** One entry per heartbeat written, oldest first; `undefined` for keep-alives nobody waits on. */
  private readonly heartbeatWaiters: Array<((error?: IpcRequestError) => void) | undefined> = [];
  private transport?: Transport;
  private lastWriteAt = performance.now();
  private stopKeepAlive?: () => void;
  /** Set by a rejection or protocol-error frame: the reason the server is about to close. */
  private serverVerdict?: IpcRequestError;
  private closedBy?: IpcRequestError;
  /** Set once the probe passed: only an admitted connection reports `onLost`. */
  private admitted = false;

  private constructor(
    private readonly settings: ConnectionSettings,
    private readonly listener: ConnectionListener,
  ) {}

  /**
   * Connects and waits for the admission probe.
   * @throws IpcRequestError `CONNECTION_LIMIT_REACHED` (`details.limit`) when the server refuses
   *   the connection; `CONNECTION_CLOSED` naming the socket path when it cannot connect (no such
   *   file, refused, permission, timeout) or the server closes before answering
   */
  static async open(settings: ConnectionSettings, listener: ConnectionListener = {}): Promise<ClientConnection> {
    const connection = new ClientConnection(settings, listener);
    const startedAt = performance.now();
    try {
      connection.transport = await settings.transportFactory(settings.socketPath, settings.connectTimeoutMs, {
        onData: (chunk) => connection.receive(chunk),
        onClose: (error) => connection.transportClosed(error),
      });
    } catch (error) {
      throw cannotConnect(settings.socketPath, error);
    }
    const remainingMs = Math.max(1, settings.connectTimeoutMs - (performance.now() - startedAt));
    try {
      await connection.probe(remainingMs);
    } catch (error) {
      connection.close('admission probe failed');
      throw error;
    }
    connection.admitted = true;
    connection.startKeepAlive();
    return connection;
  }

  /** The socket path this connection is open to. */
  get socketPath(): string {
    return this.settings.socketPath;
  }

  /** True until the connection closed (either side). */
  get isOpen(): boolean {
    return this.closedBy === undefined;
  }

  /** Routes answers with `correlationId` to `route` until `unregister`. */
  register(correlationId: string, route: CallRoute): void {
    this.routes.set(correlationId, route);
  }

  /** Stops routing `correlationId` (later answers with it are dropped). */
  unregister(correlationId: string): void {
    this.routes.delete(correlationId);
  }

  /**
   * Encodes `body` in this connection's format and writes it as one frame of `type`.
   * @throws IpcRequestError `SERIALIZATION_ERROR` when the body cannot be encoded (circular,
   *   BigInt, ...); `PROTOCOL_ERROR` when it exceeds the 16 MiB hard limit (§1.3);
   *   `CONNECTION_CLOSED` when the connection is closed
   */
  write(type: MessageType, body: object, correlationId?: string): void {
    let frame: Buffer;
    try {
      frame = this.settings.codec.encodeFrame(type, body);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new IpcRequestError({
        code: ErrorCode.SERIALIZATION_ERROR,
        message: `Cannot encode the message: ${detail}`,
        correlationId,
        cause: error,
      });
    }
    if (frame.length - 7 > MAX_FRAME_SIZE) {
      throw new IpcRequestError({
        code: ErrorCode.PROTOCOL_ERROR,
        message: `Message too large: ${frame.length - 7} > ${MAX_FRAME_SIZE} bytes (the protocol's hard limit); send smaller payloads`,
        correlationId,
      });
    }
    this.writeFrame(frame, correlationId);
  }

  /**
   * Sends one heartbeat and resolves with the round-trip time in milliseconds (fractional).
   * @throws IpcRequestError `CONNECTION_CLOSED` when the connection closes first
   */
  heartbeat(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const sentAt = performance.now();
      this.writeHeartbeat((error) => (error ? reject(error) : resolve(performance.now() - sentAt)));
    });
  }

  /**
   * Closes the connection; open calls fail with `CONNECTION_CLOSED` (`reason` in the text).
   * Idempotent. `onLost` is not called for a close asked for here.
   */
  close(reason = 'the client closed the connection'): void {
    if (this.closedBy) return;
    this.shutDown(connectionClosedError(reason));
    this.transport?.close();
  }

  private probe(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cancel = startTimer(timeoutMs, () =>
        reject(
          new IpcRequestError({
            code: ErrorCode.CONNECTION_CLOSED,
            message: `Cannot connect to ${this.settings.socketPath}: connected, but no heartbeat answer within ${this.settings.connectTimeoutMs} ms (is an acton IPC server listening there?)`,
          }),
        ),
      );
      this.writeHeartbeat((error) => {
        cancel();
        if (error) reject(error);
        else resolve();
      });
    });
  }

  private writeHeartbeat(waiter?: (error?: IpcRequestError) => void): void {
    if (this.closedBy) {
      waiter?.(this.closedBy);
      return;
    }
    this.heartbeatWaiters.push(waiter);
    // Heartbeat payloads are ignored by the receiver (§2.4); an empty one is the smallest.
    this.writeFrame(encodeFrame(MessageType.HEARTBEAT, Format.JSON, EMPTY));
  }

  private writeFrame(frame: Buffer, correlationId?: string): void {
    if (this.closedBy || !this.transport) {
      const reason = this.closedBy?.message.replace(/^Connection closed: /, '') ?? 'not connected';
      throw connectionClosedError(reason, correlationId);
    }
    this.lastWriteAt = performance.now();
    this.transport.write(frame);
  }

  /** Keep-alive: the server closes connections idle for `read_timeout_ms` (§5.3); any frame re-arms it. */
  private startKeepAlive(): void {
    const interval = this.settings.heartbeatIntervalMs;
    if (interval <= 0 || this.closedBy) return;
    const tick = (): void => {
      if (this.closedBy) return;
      if (performance.now() - this.lastWriteAt >= interval * 0.9) this.writeHeartbeat();
      this.stopKeepAlive = startTimer(interval, tick);
    };
    this.stopKeepAlive = startTimer(interval, tick);
  }

  private receive(chunk: Buffer): void {
    const { frames, error } = this.decoder.push(chunk);
    for (const frame of frames) this.dispatch(frame);
    if (error) {
      this.serverVerdict ??= new IpcRequestError({
        code: ErrorCode.PROTOCOL_ERROR,
        message: `The server sent an invalid frame (${error.message}); is ${this.settings.socketPath} an acton IPC server?`,
      });
      this.transport?.close();
    }
  }

  private dispatch(frame: Frame): void {
    if (frame.type === MessageType.HEARTBEAT) {
      this.heartbeatWaiters.shift()?.();
      return;
    }
    const body = decodeBody(codecFor(frame.format), frame.payload);
    if (body === undefined) return; // undecodable: it cannot be correlated to anything
    switch (frame.type) {
      case MessageType.RESPONSE:
      case MessageType.ERROR:
        return this.dispatchResponse(body as ResponseBody, frame.type === MessageType.ERROR);
      case MessageType.STREAM:
        return this.routes.get((body as StreamFrameBody).correlation_id)?.onStreamFrame?.(body as StreamFrameBody);
      case MessageType.PUSH:
        return this.listener.onPush?.(body as PushNotification);
      default:
        return; // client-bound frames of other types are not expected; ignore them like the server does (§1.6)
    }
  }

  private dispatchResponse(body: ResponseBody, isError: boolean): void {
    const id = body.correlation_id;
    if (id === ReservedCorrelationId.CONNECTION_REJECTED || id === ReservedCorrelationId.PROTOCOL_ERROR) {
      // The server closes right after these (§5.2, §0 D3): every open call fails with this reason.
      this.serverVerdict ??= errorFromResponse(body);
      return;
    }
    this.routes.get(id)?.onResponse(body, isError);
  }

  private transportClosed(error?: Error): void {
    if (this.closedBy) return;
    const reason =
      this.serverVerdict ??
      connectionClosedError(
        error
          ? `${error.message} (${this.settings.socketPath})`
          : `the server closed the connection (${this.settings.socketPath})`,
        undefined,
        error,
      );
    this.shutDown(reason);
    if (this.admitted) this.listener.onLost?.(reason);
  }

  private shutDown(reason: IpcRequestError): void {
    this.closedBy = reason;
    this.stopKeepAlive?.();
    for (const waiter of this.heartbeatWaiters.splice(0)) waiter?.(reason);
    const routes = [...this.routes.values()];
    this.routes.clear();
    for (const route of routes) route.onConnectionLost(reason);
  }
}

function decodeBody(codec: PayloadCodec, payload: Buffer): object | undefined {
  try {
    const body = codec.decode(payload);
    return body !== null &&
      typeof body === 'object' &&
      typeof (body as { correlation_id?: unknown }).correlation_id === 'string'
      ? body
      : pushOrUndefined(body);
  } catch {
    return undefined;
  }
}

/** Pushes carry `notification_id` instead of `correlation_id` (§2.6). */
function pushOrUndefined(body: unknown): object | undefined {
  return body !== null &&
    typeof body === 'object' &&
    typeof (body as { notification_id?: unknown }).notification_id === 'string'
    ? body
    : undefined;
}

/** `CONNECTION_CLOSED` naming the path tried and what to do. */
function cannotConnect(socketPath: string, error: unknown): IpcRequestError {
  const code = (error as { code?: string } | undefined)?.code;
  const hint =
    code === 'ENOENT'
      ? 'no socket file there: is the server running, and is this its socket path?'
      : code === 'ECONNREFUSED'
        ? 'nothing is listening (a stale socket file?): start the server'
        : code === 'EACCES'
          ? 'permission denied: run as a user in the socket file group, or change socket.mode'
          : error instanceof Error
            ? error.message
            : String(error);
  return new IpcRequestError({
    code: ErrorCode.CONNECTION_CLOSED,
    message: `Cannot connect to ${socketPath}: ${code ? `${code}, ` : ''}${hint}`,
    details: { socketPath, ...(code ? { errno: code } : {}) },
    cause: error,
  });
}
