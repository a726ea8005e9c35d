import { createServer, Server, Socket } from 'node:net';
import { MessageRegistry } from '../../core/metadata/message-registry';
import type { ActonApp, ActorEntry } from '../../core/runtime/acton-app';
import { ActorRef } from '../../core/runtime/actor-ref';
import { AppExtension } from '../../core/runtime/app-extension';
import { deadlineTimersFor, DeadlineTimers } from '../../core/runtime/deadline-timers';
import { clampTimerDelay } from '../../core/runtime/in-flight-call';
import { Logger } from '../../core/runtime/logger';
import { IpcConfig, IpcConfigOverrides } from '../config/ipc-config';
import { describeIpcConfig, resolveIpcConfig } from '../config/resolve-ipc-config';
import { PeerInfo } from '../../core/runtime/message-context';
import { effectivePolicy } from '../security/ready-policies';
import { admitConnection } from '../security/policy-decision';
import { isSecurityPolicy, SecurityPolicy } from '../security/security-policy';
import { accessDeniedRejectionFrame, connectionRejectionFrame, rejectConnection } from './connection-rejection';
import { PeerCredentials, peerCredentialsReader, PeerCredentialsReader } from './peer-credentials';
import { Discovery } from './discovery';
import { ExposedActors } from './exposed-actors';
import { FramedSocket } from './framed-socket';
import { InFlightRequests } from './in-flight-requests';
import { IpcListenerStats, RequestCounters } from './listener-stats';
import { PipelineServices, RequestPipeline } from './request-pipeline';
import { RequestRouter } from './request-router';
import { BoundSocket, bindUnixSocket, boundSocketProblem, removeBoundSocket } from './socket-binder';
import { SubscriptionManager } from './subscription-manager';

declare module '../../core/runtime/app-extension' {
  interface AppExtensions {
    /** The IPC listener, when `IpcModule.forRoot()` is imported (`app.listener`). */
    ipc: IpcListener;
  }
}

/** Options of `IpcModule.forRoot()`: configuration overrides plus where to log and the security policy. */
export type IpcModuleOptions = Omit<IpcConfigOverrides, 'security'> & {
  /** Where the listener logs (start, refusals, errors); default: the app's logger. */
  readonly logger?: Logger;
  /**
   * Admission and authorization (docs/protocol.md §11.2): a `SecurityPolicy` (e.g.
   * `sameUidPolicy()`, `allowListPolicy({ uids })` or your own), or the `[security]` section's
   * settings (`{ policy: 'same_uid' }`). Without one the listener checks nothing.
   */
  readonly security?: SecurityPolicy | IpcConfigOverrides['security'];
};

/** What `shutdownGracefully()` reports (docs/protocol.md §5.5). */
export interface DrainResult {
  /** `in_flight_requests` when the drain started. */
  readonly inFlightAtStart: number;
  /** True when every in-flight request was answered before the timeout. */
  readonly drainedGracefully: boolean;
  /** Requests still in flight when the wait ended (their connections were closed). */
  readonly forcedClosed: number;
}

/**
 * The acton-reactive IPC listener (docs/protocol.md): a Unix-socket server that lets other processes
 * call the app's exposed actors. Added to an app by `IpcModule.forRoot()`; reach it as
 * `app.listener`.
 *
 * On start it resolves the configuration (defaults < ipc.toml < environment < forRoot options),
 * exposes every actor whose `@Actor({ expose })` is not false under its name, forwards broker
 * broadcasts to subscribed connections, and binds the socket (§5.6). `app.close()` drains it
 * (§5.5) and removes the socket file.
 */
export class IpcListener implements AppExtension {
  readonly kind = 'ipc';
  private readonly exposed = new ExposedActors();
  private readonly connections = new Set<RequestPipeline>();
  private readonly counters = new RequestCounters();
  private readonly inFlight = new InFlightRequests();
  /** Refused connections and accept failures (the request path counts its own errors). */
  private admissionErrors = 0;
  /** Connections the security policy refused at admission (§11.2). */
  private admissionDenials = 0;
  /** Accepted sockets whose admission is still being decided (they count toward the limit; stop destroys them). */
  private readonly admitting = new Set<Socket>();
  private credentials?: PeerCredentialsReader;
  private connectionsAccepted = 0;
  private resolved?: IpcConfig;
  private services?: PipelineServices;
  private server?: Server;
  private bound?: BoundSocket;
  private unlisten?: () => void;
  private nextConnection = 1;
  private stopping?: Promise<void>;
  private draining?: Promise<DrainResult>;
  private notifyAllClosed?: () => void;
  /** The app's extensions, for figures another extension reports (`remoteCallStats`). */
  private extensions: readonly AppExtension[] = [];

  /** @param options `IpcModule.forRoot()` options */
  constructor(private readonly options: IpcModuleOptions = {}) {}

  /**
   * Path of the Unix socket.
   * @throws Error before the listener started (the path is resolved at start)
   */
  get socketPath(): string {
    return this.config.socket.path;
  }

  /**
   * Why the listener cannot take new connections now, or undefined when it can: it is listening
   * and the file at its path is still its socket. Checked without connecting, so readiness
   * probes (`/readyz`, `acton ping --ready`) add nothing to `connectionsAccepted`.
   */
  notAcceptingReason(): string | undefined {
    const path = this.resolved?.socket.path ?? '(socket path not resolved yet)';
    if (!this.server?.listening || !this.bound) return `${path}: the IPC listener is not listening`;
    return boundSocketProblem(this.bound);
  }

  /**
   * The effective configuration.
   * @throws Error before the listener started
   */
  get config(): IpcConfig {
    if (!this.resolved)
      throw new Error(
        'The IPC listener has not started yet: its configuration is resolved by bootstrap(); ' +
          'read it after bootstrap() resolved',
      );
    return this.resolved;
  }

  /**
   * The security policy in force (docs/protocol.md §11.2): the one given in code, else the
   * `[security]` section's ready-made one; `undefined` without a policy or before start.
   */
  get securityPolicy(): SecurityPolicy | undefined {
    return this.services?.policy;
  }

  /** AppExtension: resolves the configuration, exposes actors, binds the socket. */
  async start(app: ActonApp): Promise<void> {
    if (this.server)
      throw new Error(
        'This IPC listener is already started; each app gets its own (IpcModule.forRoot() builds one per app)',
      );
    const logger = this.options.logger ?? app.logger;
    this.extensions = app.extensions;
    const { logger: _ignored, security, ...rest } = this.options;
    const fromCode = isSecurityPolicy(security) ? security : undefined;
    const overrides: IpcConfigOverrides = fromCode
      ? rest
      : { ...rest, security: security as IpcConfigOverrides['security'] };
    const config = resolveIpcConfig(overrides, process.env, { logger });
    this.resolved = config;
    this.credentials = peerCredentialsReader();
    // §5.8: missing credentials are not an error; say once why they are missing.
    if (this.credentials.unavailableReason)
      logger.info(`IPC peer credentials (uid/gid/pid) unavailable: ${this.credentials.unavailableReason}`);
    const policy = effectivePolicy(fromCode, config.security);
    const services = this.buildServices(config, app.registry, logger, deadlineTimersFor(app.clock), policy);
    this.services = services;
    for (const entry of app.actors()) if (entry.expose) this.exposed.expose(entry.name, entry.ref);
    this.unlisten = app.broker.addBroadcastListener(services.subscriptions.onBroadcast);
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: false }, (socket) =>
      this.admit(socket, services),
    );
    server.on('error', (err) => this.onServerError(err));
    this.server = server;
    try {
      this.bound = await bindUnixSocket(server, config.socket.path, config.socket.mode);
    } catch (err) {
      this.unlisten();
      this.server = undefined;
      throw err;
    }
    logger.info(`IPC listener started: ${describeIpcConfig(config)}`);
  }

  /**
   * Serves `actor` to IPC clients under `name` (e.g. an actor spawned at run time).
   * @throws Error when the name is already exposed (hide it first)
   */
  expose(name: string, actor: ActorRef): void {
    this.exposed.expose(name, actor);
  }

  /** AppExtension: a child spawned with `{ expose: true }` (before the start, `start` exposes it). */
  actorExposed(entry: ActorEntry): void {
    if (this.server) this.exposed.expose(entry.name, entry.ref);
  }

  /** AppExtension: an actor stopped for good; stop serving it under its own name. */
  actorRemoved(entry: ActorEntry): void {
    if (this.exposed.get(entry.name) === entry.ref) this.exposed.hide(entry.name);
  }

  /** Stops serving `name` (requests already enqueued finish); returns whether it was exposed. */
  hide(name: string): boolean {
    return this.exposed.hide(name);
  }

  /**
   * Revokes a connection (docs/protocol.md §11.2): its subscriptions are removed, the messages it
   * queued that have not started are skipped, and its socket closes at once without a frame
   * (its pending requests and streams get no answer; `inFlightRequests` is released).
   * @param connectionId `'ipc-<n>'` as in `ctx.peer.connectionId`, or `n`: the sequential
   *   accepted count from 1
   * @returns whether such a connection was open
   */
  revoke(connectionId: string | number): boolean {
    const id = typeof connectionId === 'number' ? `ipc-${connectionId}` : connectionId;
    for (const connection of this.connections) {
      if (connection.peer.connectionId !== id) continue;
      this.services?.logger.info(`IPC connection ${id} revoked`);
      connection.revoke();
      return true;
    }
    return false;
  }

  /** A snapshot of the §7 counters (all zero before start). */
  stats(): IpcListenerStats {
    const maxConnections = this.resolved?.limits.maxConnections ?? 0;
    const activeConnections = this.connections.size;
    const requests = this.counters;
    const subscriptions = this.services?.subscriptions.counts();
    const remoteCalls = this.extensions.find((extension) => extension.remoteCallStats)?.remoteCallStats!();
    return {
      connectionsAccepted: this.connectionsAccepted,
      activeConnections,
      maxConnections,
      connectionsAvailable: Math.max(0, maxConnections - activeConnections),
      messagesReceived: requests.messagesReceived,
      messagesProcessed: requests.messagesProcessed,
      errors: this.admissionErrors + requests.errors,
      rateLimited: requests.rateLimited,
      backpressureRejections: requests.backpressureRejections,
      shutdownRejections: requests.shutdownRejections,
      inFlightRequests: this.inFlight.count,
      subscriptionsProcessed: subscriptions?.subscriptionsProcessed ?? 0,
      activeSubscriptions: subscriptions?.activeSubscriptions ?? 0,
      activePatternSubscriptions: subscriptions?.activePatternSubscriptions ?? 0,
      accessDenied: this.admissionDenials + requests.accessDenied,
      pushNotificationsSent: subscriptions?.pushNotificationsSent ?? 0,
      pushNotificationsDropped: subscriptions?.pushNotificationsDropped ?? 0,
      ...(remoteCalls ? { remoteCalls } : {}),
    };
  }

  /**
   * Graceful shutdown (docs/protocol.md §5.5): new requests are answered `SHUTTING_DOWN` while
   * heartbeats, subscriptions and discovery are still served and connections still admitted;
   * waits until no request is in flight or `timeoutMs` passed; then stops accepting, closes
   * every connection after writing what is queued, and removes the socket file. Idempotent.
   * @param timeoutMs default `shutdown.drain_timeout_ms` (5000)
   */
  shutdownGracefully(timeoutMs?: number): Promise<DrainResult> {
    this.draining ??= this.drainAndStop(timeoutMs ?? this.resolved?.shutdown.drainTimeoutMs ?? 5000);
    return this.draining;
  }

  /** AppExtension: `app.close()` drains the listener first, bounded by the smaller of both timeouts. */
  async drain(timeoutMs: number): Promise<void> {
    const configured = this.resolved?.shutdown.drainTimeoutMs ?? timeoutMs;
    await this.shutdownGracefully(Math.min(timeoutMs, configured));
  }

  /** AppExtension / immediate stop (§5.5 `stop()`): closes everything now; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.closeAll();
    return this.stopping;
  }

  private buildServices(
    config: IpcConfig,
    registry: MessageRegistry,
    logger: Logger,
    deadlines: DeadlineTimers,
    policy?: SecurityPolicy,
  ): PipelineServices {
    return {
      policy,
      deadlines,
      config,
      logger,
      router: new RequestRouter(this.exposed, registry),
      subscriptions: new SubscriptionManager(logger),
      discovery: new Discovery(this.exposed, registry),
      counters: this.counters,
      inFlight: this.inFlight,
    };
  }

  /**
   * A new socket (docs/protocol.md §5.2, §5.8, §11.2): its peer credentials are read first, then
   * it is refused over `limits.max_connections`; then the security policy's `admit` decides,
   * before any frame is read, bounded by `read_timeout_ms`. Admitted: a framed socket feeding a
   * request pipeline.
   */
  private admit(socket: Socket, services: PipelineServices): void {
    const { config, logger, policy } = services;
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const credentials = this.credentials?.read(socket);
    if (this.connections.size + this.admitting.size >= config.limits.maxConnections) {
      // §5.2: refused connections count as errors, not as accepted/active.
      this.admissionErrors++;
      logger.warn(
        `IPC connection refused: the limit of ${config.limits.maxConnections} concurrent connections ` +
          '(limits.max_connections) is reached',
      );
      rejectConnection(socket, connectionRejectionFrame(config.limits.maxConnections));
      return;
    }
    const peer = peerInfo(`ipc-${this.nextConnection++}`, credentials);
    if (!policy) return this.open(socket, peer, services);
    this.admitting.add(socket);
    socket.pause(); // nothing the client sent is read before admission (§11.2)
    socket.on('error', ignoreSocketError);
    const info = { connectionId: peer.connectionId, ...(credentials ? { peer: credentials } : undefined) };
    void admitConnection(policy, info, config.timeouts.readTimeoutMs).then((admission) => {
      this.admitting.delete(socket);
      socket.off('error', ignoreSocketError);
      if (this.stopping || socket.destroyed) {
        socket.destroy();
      } else if (admission.outcome === 'allow') {
        this.open(socket, { ...peer, caller: admission.identity }, services);
      } else if (admission.outcome === 'deny') {
        this.admissionDenials++;
        logger.info(`IPC connection ${peer.connectionId} refused by the security policy: ${admission.reason}`);
        rejectConnection(socket, accessDeniedRejectionFrame(admission.reason));
      } else {
        this.admissionErrors++;
        const text = admission.error instanceof Error ? admission.error.message : String(admission.error);
        logger.error(
          `IPC connection ${peer.connectionId}: the security policy's admit() threw (${text}); closed it without a frame`,
          admission.error,
        );
        socket.destroy();
      }
    });
  }

  /** An admitted socket: a framed socket feeding a request pipeline. */
  private open(socket: Socket, peer: PeerInfo, services: PipelineServices): void {
    const { config, logger } = services;
    this.connectionsAccepted++;
    const { maxMessageSize, pushBufferSize } = config.limits;
    const options = { maxMessageSize, pushBufferSize, writeTimeoutMs: config.timeouts.writeTimeoutMs };
    const transport = new FramedSocket(socket, peer, options, logger);
    const pipeline = new RequestPipeline(transport, services);
    this.connections.add(pipeline);
    void pipeline.closed.then(() => {
      this.connections.delete(pipeline);
      if (this.connections.size === 0) this.notifyAllClosed?.();
    });
    if (socket.isPaused()) socket.resume();
    transport.start(pipeline);
  }

  private onServerError(err: Error): void {
    if (!this.services) return;
    this.admissionErrors++;
    this.services.logger.error(`IPC listener on ${this.resolved?.socket.path}: accept failed: ${err.message}`, err);
  }

  private async drainAndStop(timeoutMs: number): Promise<DrainResult> {
    const { services, inFlight } = this;
    if (!services) return { inFlightAtStart: 0, drainedGracefully: true, forcedClosed: 0 };
    inFlight.startDraining();
    const inFlightAtStart = inFlight.count;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, clampTimerDelay(timeoutMs))));
    await Promise.race([inFlight.drained(), timedOut]);
    clearTimeout(timer);
    const forcedClosed = inFlight.count;
    if (forcedClosed > 0)
      services.logger.warn(
        `IPC drain: ${forcedClosed} request(s) still in flight after ${timeoutMs} ms; closing their connections`,
      );
    await this.stop();
    return { inFlightAtStart, drainedGracefully: forcedClosed === 0, forcedClosed };
  }

  private async closeAll(): Promise<void> {
    this.unlisten?.();
    const server = this.server;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const allClosed =
      this.connections.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => (this.notifyAllClosed = resolve));
    for (const connection of [...this.connections]) connection.close(); // flush queued frames, then FIN
    for (const socket of this.admitting) socket.destroy(); // admission still undecided: never admitted
    if (this.bound) removeBoundSocket(this.bound);
    // Both resolve once every connection is released (bounded by each connection's close grace).
    await Promise.all([closed, allClosed]);
    this.services?.logger.debug(`IPC listener on ${this.resolved?.socket.path} stopped`);
  }
}

/** The `ctx.peer` of a connection: its id and, where the platform reports them, uid/gid/pid (§5.8). */
function peerInfo(connectionId: string, credentials: PeerCredentials | undefined): PeerInfo {
  return credentials ? { connectionId, ...credentials } : { connectionId };
}

function ignoreSocketError(): void {
  // A client that leaves during admission is not an error of ours; the outcome sees the socket destroyed.
}
