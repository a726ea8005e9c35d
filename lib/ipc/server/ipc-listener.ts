import { createServer, Server, Socket } from 'node:net';
import { MessageRegistry } from '../../core/metadata/message-registry';
import type { ActonApp, ActorEntry } from '../../core/runtime/acton-app';
import { ActorRef } from '../../core/runtime/actor-ref';
import { AppExtension } from '../../core/runtime/app-extension';
import { clampTimerDelay } from '../../core/runtime/in-flight-call';
import { Logger } from '../../core/runtime/logger';
import { IpcConfig, IpcConfigOverrides } from '../config/ipc-config';
import { describeIpcConfig, resolveIpcConfig } from '../config/resolve-ipc-config';
import { rejectConnection } from './connection-rejection';
import { Discovery } from './discovery';
import { ExposedActors } from './exposed-actors';
import { FramedSocket } from './framed-socket';
import { InFlightRequests } from './in-flight-requests';
import { IpcListenerStats, RequestCounters } from './listener-stats';
import { PipelineServices, RequestPipeline } from './request-pipeline';
import { RequestRouter } from './request-router';
import { BoundSocket, bindUnixSocket, removeBoundSocket } from './socket-binder';
import { SubscriptionManager } from './subscription-manager';

declare module '../../core/runtime/app-extensions' {
  interface AppExtensions {
    /** The IPC listener, when `IpcModule.forRoot()` is imported (`app.listener`). */
    ipc: IpcListener;
  }
}

/** Options of `IpcModule.forRoot()`: configuration overrides plus where to log. */
export type IpcModuleOptions = IpcConfigOverrides & {
  /** Where the listener logs (start, refusals, errors); default: the app's logger. */
  readonly logger?: Logger;
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

  /** AppExtension: resolves the configuration, exposes actors, binds the socket. */
  async start(app: ActonApp): Promise<void> {
    if (this.server)
      throw new Error(
        'This IPC listener is already started; each app gets its own (IpcModule.forRoot() builds one per app)',
      );
    const logger = this.options.logger ?? app.logger;
    const { logger: _ignored, ...overrides } = this.options;
    const config = resolveIpcConfig(overrides, process.env, { logger });
    this.resolved = config;
    const services = this.buildServices(config, app.registry, logger);
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

  /** A snapshot of the §7 counters (all zero before start). */
  stats(): IpcListenerStats {
    const maxConnections = this.resolved?.limits.maxConnections ?? 0;
    const activeConnections = this.connections.size;
    const requests = this.counters;
    const subscriptions = this.services?.subscriptions.counts();
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
      pushNotificationsSent: subscriptions?.pushNotificationsSent ?? 0,
      pushNotificationsDropped: subscriptions?.pushNotificationsDropped ?? 0,
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

  private buildServices(config: IpcConfig, registry: MessageRegistry, logger: Logger): PipelineServices {
    return {
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
   * A new socket: refused over `limits.max_connections` (§5.2), else a framed socket feeding a
   * request pipeline. The place for accept-time admission checks, before any frame is read.
   */
  private admit(socket: Socket, services: PipelineServices): void {
    const { config, logger } = services;
    if (this.stopping) {
      socket.destroy();
      return;
    }
    if (this.connections.size >= config.limits.maxConnections) {
      // §5.2: refused connections count as errors, not as accepted/active.
      this.admissionErrors++;
      logger.warn(
        `IPC connection refused: the limit of ${config.limits.maxConnections} concurrent connections ` +
          '(limits.max_connections) is reached',
      );
      rejectConnection(socket, config.limits.maxConnections);
      return;
    }
    this.connectionsAccepted++;
    const { maxMessageSize, pushBufferSize } = config.limits;
    const options = { maxMessageSize, pushBufferSize, writeTimeoutMs: config.timeouts.writeTimeoutMs };
    const transport = new FramedSocket(socket, `ipc-${this.nextConnection++}`, options, logger);
    const pipeline = new RequestPipeline(transport, services);
    this.connections.add(pipeline);
    void pipeline.closed.then(() => {
      this.connections.delete(pipeline);
      if (this.connections.size === 0) this.notifyAllClosed?.();
    });
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
    if (this.bound) removeBoundSocket(this.bound);
    // Both resolve once every connection is released (bounded by each connection's close grace).
    await Promise.all([closed, allClosed]);
    this.services?.logger.debug(`IPC listener on ${this.resolved?.socket.path} stopped`);
  }
}
