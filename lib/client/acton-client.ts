import { performance } from 'node:perf_hooks';
import { BehaviorSubject, distinctUntilChanged, Observable } from 'rxjs';
import { ErrorCode } from '../core/errors/error-code';
import {
  codecFor,
  DiscoveryResponse,
  Format,
  isPattern,
  MessageType,
  newCorrelationId,
  PushNotification,
  RequestEnvelope,
  ResponseBody,
} from '../ipc/protocol';
import { ActorHandle } from './actor-handle';
import { backoffDelay } from '../core/runtime/restart-backoff';
import { CallOptions, DiscoverOptions, NO_STREAM_DEADLINE_MS, StreamCallOptions } from './call-options';
import { startTimer } from '../core/runtime/in-flight-call';
import { ClientConnection, ConnectionSettings } from './client-connection';
import {
  ClientOptions,
  ConnectTarget,
  ResolvedClientOptions,
  resolveClientOptions,
  resolveSocketPath,
} from './client-options';
import { IpcRequestError } from './ipc-request-error';
import { PushSubscriptions } from './push-subscriptions';
import { openStream } from './stream-call';
import { activeTraceContext } from './trace-context-injection';
import {
  connectionClosedError,
  errorFromResponse,
  errorFromSubscriptionResponse,
  requestTimeoutError,
} from './wire-errors';

/** Life of a client: `connecting` → `connected` ⇄ `reconnecting` → `closed` (terminal). */
export type ClientStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** A push notification as it arrives (docs/protocol.md §2.6, wire field names). */
export type Push = PushNotification;

/** What a call does with an answer: resolve with a value, or reject. */
type Accept<T> = (body: ResponseBody, isError: boolean) => T;

/**
 * A client of an acton IPC server (acton-ts or acton-reactive) over its Unix socket.
 *
 * - Calls are correlated by id and may be in flight concurrently (docs/protocol.md §3.5).
 * - Every call has a deadline (default 30 s): sent as `response_timeout_ms` and enforced
 *   locally, so a call always settles.
 * - When the connection drops, calls in flight fail at once with `CONNECTION_CLOSED`; the
 *   client reconnects with backoff (unless `reconnect: false`), calls made meanwhile wait for
 *   it within their deadline, and push subscriptions are sent again.
 * - Streams run on a connection of their own, closed when the consumer unsubscribes: the
 *   protocol has no cancel message (§3.4), and closing the socket is what aborts the handler's
 *   `ctx.signal` on the server.
 */
export class ActonClient {
  /** The socket path this client connects to. */
  readonly socketPath: string;
  private readonly statusSubject = new BehaviorSubject<ClientStatus>('connecting');
  /** Status changes, starting with the current one; `closed` is the last value. */
  readonly status$: Observable<ClientStatus> = this.statusSubject.pipe(distinctUntilChanged());
  private readonly pushes: PushSubscriptions;
  private readonly streamConnections = new Set<ClientConnection>();
  private readonly pendingAcks = new Set<Promise<void>>();
  private current?: ClientConnection;
  private ready = deferred<ClientConnection>();
  private cancelBackoff?: () => void;
  private closedError?: IpcRequestError;

  private constructor(
    private readonly options: ResolvedClientOptions,
    socketPath: string,
  ) {
    this.socketPath = socketPath;
    this.pushes = new PushSubscriptions({
      subscribe: (names) => this.writeSubscriptions(true, names),
      unsubscribe: (names) => this.writeSubscriptions(false, names),
    });
  }

  /**
   * Connects to a server: `{ socketPath }`, or `{ appName }` for the server's default path
   * (`$XDG_RUNTIME_DIR/acton/<appName>/ipc.sock`, else under `/tmp`, docs/protocol.md §5.6).
   * The first connection is not retried.
   * @throws IpcRequestError `CONNECTION_CLOSED` naming the path tried when it cannot connect;
   *   `CONNECTION_LIMIT_REACHED` (`details.limit`) when the server refuses the connection
   * @throws TypeError / RangeError for a bad target or option (the message names it)
   */
  static async connect(target: ConnectTarget, options: ClientOptions = {}): Promise<ActonClient> {
    const resolved = resolveClientOptions(options);
    const client = new ActonClient(resolved, resolveSocketPath(target, options.env));
    client.adopt(await client.openConnection());
    return client;
  }

  /** The current status (see `status$`). */
  get status(): ClientStatus {
    return this.statusSubject.value;
  }

  /**
   * Request-response: resolves with the reply payload.
   * @param target the actor's exposed name
   * @param type the registered message type name
   * @param payload any JSON-encodable value (class instances: their enumerable properties)
   * @throws IpcRequestError with the server's code (`ACTOR_NOT_FOUND`, `UNKNOWN_MESSAGE_TYPE`,
   *   `SERIALIZATION_ERROR`, `TARGET_BUSY`, `TIMEOUT`, `RATE_LIMITED`, `SHUTTING_DOWN`,
   *   `IO_ERROR` (`isNoReply`), `HANDLER_ERROR` or the application's code); local `TIMEOUT`;
   *   `CONNECTION_CLOSED` when the connection drops first or the client is closed
   */
  request<T = unknown>(target: string, type: string, payload: unknown, options: CallOptions = {}): Promise<T> {
    const timeoutMs = this.timeoutOf(options);
    return this.call<T>(
      'req',
      timeoutMs,
      MessageType.REQUEST,
      (id, remainingMs) =>
        envelope(id, target, type, payload, { expects_reply: true, response_timeout_ms: remainingMs }),
      (body, isError) => {
        if (isError || !body.success) throw errorFromResponse(body);
        return body.payload as T;
      },
    );
  }

  /**
   * Fire-and-forget: resolves once the server acknowledged delivery to the actor's mailbox
   * (`{"status":"delivered"}`, docs/protocol.md §3.2), without waiting for the handler.
   * @throws IpcRequestError as `request` (routing, validation, busy, rate limit, shutdown, connection)
   */
  send(target: string, type: string, payload: unknown, options: CallOptions = {}): Promise<void> {
    return this.call<void>(
      'req',
      this.timeoutOf(options),
      MessageType.REQUEST,
      (id) => envelope(id, target, type, payload, {}),
      (body, isError) => {
        if (isError || !body.success) throw errorFromResponse(body);
      },
    );
  }

  /**
   * Request-stream: a cold Observable of the reply payloads, one per data frame, completing on
   * the final frame. Each subscription sends the request on a connection of its own;
   * unsubscribing closes it, which stops the server-side producer (its `ctx.signal` aborts).
   * Errors: an error frame or a `0x03` answer (e.g. `RATE_LIMITED`, `SHUTTING_DOWN`) as
   * `IpcRequestError` with its code; the deadline (default 30 s, whole stream; `timeoutMs: 0`
   * = none) or `idleTimeoutMs` → `TIMEOUT`; the connection failing → `CONNECTION_CLOSED` /
   * `CONNECTION_LIMIT_REACHED`.
   */
  stream<T = unknown>(target: string, type: string, payload: unknown, options: StreamCallOptions = {}): Observable<T> {
    const timeoutMs = this.timeoutOf(options);
    const idleTimeoutMs =
      options.idleTimeoutMs === undefined ? undefined : this.timeoutOf({ timeoutMs: options.idleTimeoutMs });
    // docs/protocol.md §3.4: 0 on the wire is an immediate timeout; "none" is sent as 2^53−1 ms.
    const wireTimeoutMs = timeoutMs === 0 ? NO_STREAM_DEADLINE_MS : timeoutMs;
    return new Observable<T>((subscriber) => {
      if (this.closedError) {
        subscriber.error(connectionClosedError('the client is closed'));
        return undefined;
      }
      return openStream<T>(subscriber, {
        settings: this.connectionSettings(),
        timeoutMs,
        idleTimeoutMs,
        connections: this.streamConnections,
        clientClosed: () => this.closedError,
        envelope: (id) =>
          envelope(id, target, type, payload, { expects_stream: true, response_timeout_ms: wireTimeoutMs }),
      });
    });
  }

  /**
   * Push notifications of `types` (docs/protocol.md §2.6, §6). A name holding a `*` is a pattern
   * (docs/protocol.md §11.1): `'Order*'` receives every type starting with `Order`, `'*'` every
   * type; each push arrives once however many names match. Subscribe (`0x06`, or `0x0a` for
   * patterns) is sent on the first local subscriber of a name, Unsubscribe when its last one
   * leaves; after a reconnect the client subscribes again and pushes resume (pushes broadcast
   * while disconnected are lost). Use `flush()` to wait until the server has the subscription.
   * Completes on `close()`; errors with `CONNECTION_CLOSED` when reconnection gives up, and with
   * `ACCESS_DENIED` (or `SUBSCRIPTION_REJECTED`) when the server refuses the subscription.
   * @throws TypeError when `types` is empty or holds an invalid pattern
   */
  subscribe(types: string | readonly string[]): Observable<Push> {
    return this.pushes.observe(typeof types === 'string' ? [types] : types);
  }

  /**
   * Resolves once the server has answered every subscribe/unsubscribe sent so far (waiting for
   * a reconnect first, within the default timeout).
   * @throws IpcRequestError `CONNECTION_CLOSED` when the client is closed or cannot reconnect in time
   */
  async flush(): Promise<void> {
    await this.connection(performance.now() + this.options.defaultTimeoutMs);
    await Promise.all([...this.pendingAcks]);
  }

  /**
   * Asks the server what it serves (docs/protocol.md §2.7): protocol version and capabilities, the
   * exposed actors (with their message types and kinds on acton-ts servers, §0 D7), the
   * registered message type names and their JSON Schemas. Wire field names (snake_case).
   * @throws IpcRequestError when the server answers with a failure, on timeout or connection loss
   */
  discover(options: DiscoverOptions = {}): Promise<DiscoveryResponse> {
    const timeoutMs = this.timeoutOf(options);
    return this.call<DiscoveryResponse>(
      'disc',
      timeoutMs,
      MessageType.DISCOVER,
      (id) => ({
        correlation_id: id,
        include_actors: options.includeActors ?? true,
        include_message_types: options.includeMessageTypes ?? true,
      }),
      (body, isError) => {
        if (isError || !body.success) throw errorFromResponse(body);
        return body as unknown as DiscoveryResponse;
      },
    );
  }

  /**
   * Sends one heartbeat and resolves with the round trip in milliseconds (fractional).
   * @throws IpcRequestError `TIMEOUT` after the default timeout; `CONNECTION_CLOSED`
   */
  async heartbeat(): Promise<number> {
    const timeoutMs = this.options.defaultTimeoutMs;
    const connection = await this.connection(performance.now() + timeoutMs);
    return new Promise<number>((resolve, reject) => {
      const cancel = startTimer(timeoutMs, () =>
        reject(
          new IpcRequestError({
            code: ErrorCode.TIMEOUT,
            message: `Heartbeat timed out after ${timeoutMs} ms waiting for the server's answer`,
          }),
        ),
      );
      connection.heartbeat().then(resolve, reject).finally(cancel);
    });
  }

  /** Typed calls to the actor exposed as `name` with `@Message` instances (see `ActorHandle`). */
  actor(name: string): ActorHandle {
    return new ActorHandle(this, name);
  }

  /**
   * Closes the client: calls in flight and streams fail with `CONNECTION_CLOSED`, push
   * Observables complete, reconnection stops; `status$` emits `closed`. Idempotent.
   */
  async close(): Promise<void> {
    this.shutDown(connectionClosedError('the client was closed'), undefined);
  }

  private timeoutOf(options: CallOptions): number {
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs;
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
      throw new RangeError(`timeoutMs must be a number of milliseconds ≥ 0, got ${JSON.stringify(timeoutMs)}`);
    }
    return Math.round(timeoutMs);
  }

  /**
   * One call answered by one `0x02`/`0x03` with its id: waits for a connection, writes the
   * frame, enforces the deadline locally, fails at once if the connection drops.
   */
  private async call<T>(
    prefix: string,
    timeoutMs: number,
    frameType: MessageType,
    body: (id: string, remainingMs: number) => object,
    accept: Accept<T>,
  ): Promise<T> {
    const id = newCorrelationId(prefix);
    const deadline = performance.now() + timeoutMs;
    const connection = await this.connection(deadline, id);
    return new Promise<T>((resolve, reject) => {
      const remainingMs = Math.max(0, Math.ceil(deadline - performance.now()));
      const settle = (outcome: () => T): void => {
        cancel();
        connection.unregister(id);
        try {
          resolve(outcome());
        } catch (error) {
          reject(error);
        }
      };
      const cancel = startTimer(remainingMs, () =>
        settle(() => {
          throw requestTimeoutError(timeoutMs, id);
        }),
      );
      connection.register(id, {
        onResponse: (response, isError) => settle(() => accept(response, isError)),
        onConnectionLost: (error) =>
          settle(() => {
            throw forCall(error, id);
          }),
      });
      try {
        connection.write(frameType, body(id, remainingMs), id);
      } catch (error) {
        settle(() => {
          throw error;
        });
      }
    });
  }

  /** The open connection, waiting for a (re)connect until `deadline` (a `performance.now()` time). */
  private async connection(deadline: number, correlationId?: string): Promise<ClientConnection> {
    if (this.current?.isOpen) return this.current;
    if (this.closedError) throw forCall(this.closedError, correlationId);
    const waitMs = Math.max(0, deadline - performance.now());
    let cancel = (): void => undefined;
    const timeout = new Promise<never>((_, reject) => {
      cancel = startTimer(waitMs, () =>
        reject(
          connectionClosedError(
            `not reconnected to ${this.socketPath} within ${Math.round(waitMs)} ms (the server may be down)`,
            correlationId,
          ),
        ),
      );
    });
    try {
      return await Promise.race([this.ready.promise, timeout]);
    } catch (error) {
      throw error instanceof IpcRequestError ? forCall(error, correlationId) : error;
    } finally {
      cancel();
    }
  }

  private connectionSettings(): ConnectionSettings {
    return {
      socketPath: this.socketPath,
      codec: codecFor(this.options.format === 'msgpack' ? Format.MSGPACK : Format.JSON),
      connectTimeoutMs: this.options.connectTimeoutMs,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      transportFactory: this.options.transportFactory,
    };
  }

  private openConnection(): Promise<ClientConnection> {
    return ClientConnection.open(this.connectionSettings(), {
      onPush: (push) => this.pushes.deliver(push),
      onLost: (error) => this.connectionLost(error),
    });
  }

  private adopt(connection: ClientConnection): void {
    if (this.closedError) {
      connection.close('the client was closed');
      return;
    }
    this.current = connection;
    this.statusSubject.next('connected');
    this.ready.resolve(connection);
    const wanted = this.pushes.wantedTypes();
    // Subscriptions are per connection and die with it (§6): tell the new one again.
    if (wanted.length > 0) this.writeSubscriptions(true, wanted);
  }

  private connectionLost(error: IpcRequestError): void {
    this.current = undefined;
    if (this.closedError) return;
    if (!this.options.reconnect) {
      this.shutDown(error, error);
      return;
    }
    this.ready = deferred<ClientConnection>();
    this.statusSubject.next('reconnecting');
    void this.reconnect(error);
  }

  private async reconnect(lastError: IpcRequestError): Promise<void> {
    const { initialDelayMs, maxDelayMs, maxAttempts } = this.options.reconnect!;
    let failure = lastError;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await new Promise<void>((wake) => {
        const cancel = startTimer(backoffDelay(attempt, initialDelayMs, maxDelayMs), wake);
        this.cancelBackoff = () => {
          cancel();
          wake();
        };
      });
      this.cancelBackoff = undefined;
      if (this.closedError) return;
      try {
        this.adopt(await this.openConnection());
        return;
      } catch (error) {
        failure = error instanceof IpcRequestError ? error : connectionClosedError(String(error), undefined, error);
        if (this.closedError) return;
        if (failure.code === ErrorCode.ACCESS_DENIED) {
          // Refused at admission (docs/protocol.md §11.2): the policy's verdict, not an outage.
          // Asking again would only be refused again, so it is final, reported once.
          this.shutDown(failure, failure);
          return;
        }
      }
    }
    this.shutDown(
      connectionClosedError(
        `gave up reconnecting to ${this.socketPath} after ${maxAttempts} attempts (last: ${failure.message})`,
        undefined,
        failure,
      ),
      failure,
    );
  }

  /** Terminal: `closedError` for later calls; push Observables complete (`pushError` undefined) or error. */
  private shutDown(closedError: IpcRequestError, pushError: IpcRequestError | undefined): void {
    if (this.closedError) return;
    this.closedError = closedError;
    this.cancelBackoff?.();
    const current = this.current;
    this.current = undefined;
    current?.close(closedError.message.replace(/^Connection closed: /, ''));
    for (const connection of [...this.streamConnections]) connection.close('the client was closed');
    this.ready.promise.catch(() => undefined);
    this.ready.reject(closedError);
    this.pushes.end(pushError);
    this.statusSubject.next('closed');
  }

  /** Splits `names` into exact types (`0x06`/`0x07`) and patterns (`0x0a`/`0x0b`, docs/protocol.md §11.1). */
  private writeSubscriptions(subscribe: boolean, names: readonly string[]): void {
    const patterns = names.filter(isPattern);
    const types = names.filter((name) => !isPattern(name));
    this.writeSubscription(subscribe ? MessageType.SUBSCRIBE : MessageType.UNSUBSCRIBE, 'message_types', types);
    this.writeSubscription(
      subscribe ? MessageType.SUBSCRIBE_PATTERNS : MessageType.UNSUBSCRIBE_PATTERNS,
      'patterns',
      patterns,
    );
  }

  /**
   * Writes one subscription frame on the current connection and tracks its answer for `flush()`;
   * a no-op while disconnected (re-subscribed on connect). A refused subscribe errors the
   * Observables that asked for those names.
   */
  private writeSubscription(type: MessageType, field: 'message_types' | 'patterns', names: readonly string[]): void {
    const connection = this.current;
    if (!connection?.isOpen || names.length === 0) return;
    const subscribe = type === MessageType.SUBSCRIBE || type === MessageType.SUBSCRIBE_PATTERNS;
    const prefix = field === 'patterns' ? 'p' : '';
    const id = newCorrelationId(`${prefix}${subscribe ? 'sub' : 'unsub'}`);
    const ack = new Promise<void>((done) => {
      connection.register(id, {
        // The answer is the connection's whole set (§2.5, §11.1); a failure is reported to the subscribers.
        onResponse: (body) => {
          connection.unregister(id);
          if (subscribe && body.success === false) this.pushes.reject(names, errorFromSubscriptionResponse(body));
          done();
        },
        onConnectionLost: () => done(),
      });
    });
    this.pendingAcks.add(ack);
    void ack.then(() => this.pendingAcks.delete(ack));
    try {
      connection.write(type, { correlation_id: id, [field]: [...names] }, id);
    } catch {
      connection.unregister(id);
      this.pendingAcks.delete(ack);
    }
  }
}

/** A request envelope (docs/protocol.md §2.2); `extra` holds the pattern flags and the deadline. */
function envelope(
  id: string,
  target: string,
  type: string,
  payload: unknown,
  extra: Partial<RequestEnvelope>,
): RequestEnvelope {
  const body: RequestEnvelope = {
    correlation_id: id,
    target,
    message_type: type,
    payload: payload === undefined ? null : payload,
    ...extra,
  };
  const traceContext = activeTraceContext(); // W3C trace context when the caller traces (OpenTelemetry)
  return traceContext ? { ...body, trace_context: traceContext } : body;
}

/** The connection-level error, re-issued for one call (its own id, same code and text). */
function forCall(error: IpcRequestError, correlationId: string | undefined): IpcRequestError {
  if (correlationId === undefined || error.correlationId === correlationId) return error;
  return new IpcRequestError({
    code: error.code,
    message: error.message,
    details: error.details,
    retryAfterMs: error.retryAfterMs,
    correlationId,
    cause: error,
  });
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
