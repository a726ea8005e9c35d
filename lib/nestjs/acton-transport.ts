import type { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { ActorError, bootstrap, ErrorCode, ErrorMessages, IpcListener, Module } from '../index';
import type { ActonApp, BroadcastEvent, Delivery, IpcModuleOptions } from '../index';
import { ActonContext } from './acton-context';
import { ActonRoute, describeUnroutablePattern, parseActonPattern } from './acton-pattern';
import { NestDispatcher, NestHandlerActor, NestRoute } from './nest-handler-actor';
import { actorErrorFromNest, nestMicroservices } from './nest-peer';
import { ensurePlainMessageType, PlainMessageTypes, PlainPayloadValidator } from './plain-message-types';
import { forwardReplies } from './reply-forwarding';

/** Options of `new ActonTransport(...)`: the IPC listener's configuration plus the transport's own. */
export type ActonTransportOptions = IpcModuleOptions & {
  /**
   * Serve the Nest handlers on this running app's listener (e.g. the app of `ActonModule`)
   * instead of starting an app of their own; the configuration keys are then ignored.
   */
  readonly app?: ActonApp;
  /**
   * Nest handler runs in progress at once (Nest handlers have no mailbox and run concurrently);
   * a request beyond it is answered `TARGET_BUSY`, like a full mailbox. Default 1024.
   */
  readonly maxInFlight?: number;
};

/** Status values of `ActonTransport.status`. */
export type ActonTransportStatus = 'listening' | 'closed';

const DEFAULT_MAX_IN_FLIGHT = 1024;

/** Root module of the acton app an `ActonTransport` starts for itself: no actors, only the listener. */
@Module({})
class ActonTransportHostModule {}

/**
 * A Nest microservice transport (`CustomTransportStrategy`) that answers acton clients — the
 * acton-ts and acton-reactive clients, the Python client, the `acton` CLI — from
 * `@MessagePattern` / `@EventPattern` handlers over a Unix socket speaking the acton-reactive IPC
 * protocol. It is built on acton-ts's own `IpcListener`, so configuration (`ipc.toml`,
 * environment, these options), limits, rate limiting, stats and graceful drain are the
 * listener's.
 *
 * - Patterns: see `ActonPattern` (`{ actor, type }` or `'actor.Type'`); every actor name becomes
 *   an exposed actor, and discovery lists its types (`kind`: `request`, `stream` when the
 *   pattern says `kind: 'stream'`, `fire-and-forget` for `@EventPattern`). Patterns of neither
 *   form are logged and not served (they may belong to another transport of a hybrid app).
 * - Replies: a value / Promise is the response; an Observable is a stream when the client asked
 *   for one (each item a data frame, then the final frame, docs/protocol.md §3.4), otherwise its
 *   first item is the response (§3.3). Observables are pushed as fast as they emit; a handler
 *   written as `async *` is pulled only as fast as the socket drains (see `forwardReplies`).
 * - Errors: Nest's exception filters run; an `RpcException({ code, message, details })` reaches
 *   the caller as that `error_code` (see `actorErrorFromNest`), anything else as `HANDLER_ERROR`.
 * - `@EventPattern`: fire-and-forget requests are acknowledged on receipt (§3.2); the handler
 *   also receives every broker broadcast of its message type (push subscriptions), and
 *   `publish()` pushes to IPC subscribers (§6).
 * - Nest's processing hooks (`setOnProcessingStartHook` / `EndHook`, e.g. for tracing) wrap every
 *   request's run once set; until then a request calls Nest's wrapped handler directly.
 * - `close()` drains: new requests get `SHUTTING_DOWN`, requests in flight are answered (§5.5).
 *
 * @example
 * const app = await NestFactory.createMicroservice(AppModule, { strategy: new ActonTransport({ socket: { path } }) });
 * await app.listen();
 */
export class ActonTransport
  extends nestMicroservices.Server<Record<string, Function>, ActonTransportStatus>
  implements CustomTransportStrategy, NestDispatcher
{
  /** Pass as `@MessagePattern(pattern, ActonTransport.TRANSPORT)` to serve a handler on this transport only. */
  static readonly TRANSPORT: unique symbol = Symbol('acton');

  private readonly ipcOptions: IpcModuleOptions;
  private readonly sharedApp?: ActonApp;
  private readonly maxInFlight: number;
  private readonly actors = new Map<string, NestHandlerActor>();
  private readonly eventRoutes: NestRoute[] = [];
  private readonly idle = new Set<() => void>();
  private app?: ActonApp;
  private inFlight = 0;
  /** Whether Nest's processing hooks were set (`setOnProcessingStartHook` / `EndHook`). */
  private processingHooks = false;
  private closing?: Promise<void>;
  private unlisten?: () => void;

  /** A handler run ended (an arrow: handed as the `done` of every request run without hooks). */
  private readonly released = (): void => {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.idle) wake();
  };

  /** @param options listener configuration (as `IpcModule.forRoot`), `app`, `maxInFlight` */
  constructor(options: ActonTransportOptions = {}) {
    super();
    const { app, maxInFlight, ...ipcOptions } = options;
    if (maxInFlight !== undefined && !(Number.isInteger(maxInFlight) && maxInFlight > 0)) {
      throw new RangeError(
        `ActonTransport option maxInFlight must be a positive integer, got ${JSON.stringify(maxInFlight)}`,
      );
    }
    this.ipcOptions = ipcOptions;
    this.sharedApp = app;
    this.maxInFlight = maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.transportId = ActonTransport.TRANSPORT;
  }

  /**
   * The IPC listener serving the handlers (`socketPath`, `stats()`).
   * @throws Error before `listen()` finished
   */
  get listener(): IpcListener {
    const listener = this.app?.listener;
    if (!listener) {
      throw new Error(
        'ActonTransport has no IPC listener yet: it is created by listen() (Nest calls it in app.listen())',
      );
    }
    return listener;
  }

  /** Nest handler runs in progress (requests, streams and events). */
  get activeHandlers(): number {
    return this.inFlight;
  }

  /** Nest `Server`: starts (or joins) the acton app and serves the handlers; `callback(err)` on failure. */
  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    try {
      await this.start();
    } catch (err) {
      callback(err);
      return;
    }
    this._status$.next('listening');
    callback();
  }

  /**
   * Nest `Server`: drains (docs/protocol.md §5.5) and stops. With its own app: `app.close()`
   * (new requests answered `SHUTTING_DOWN`, in-flight ones answered, socket removed). With a
   * shared `app`: hides its actor names and waits for its own handler runs. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Nest `Server`: the `IpcListener`. */
  unwrap<T>(): T {
    return this.listener as T;
  }

  /**
   * Nest `Server`: ActonTransport emits no events.
   * @throws Error always; watch `status` or `listener.stats()` instead
   */
  on(event: string): never {
    throw new Error(`ActonTransport emits no '${event}' events; watch its status Observable or listener.stats()`);
  }

  /**
   * Broadcasts `payload` as message type `type` on the app's broker: IPC clients subscribed to
   * `type` get a push (docs/protocol.md §6), and `@EventPattern` handlers of `type` run.
   * @throws Error before `listen()` finished
   */
  publish(type: string, payload: object): void {
    const app = this.runningApp();
    const definition = ensurePlainMessageType(app.registry, type);
    app.broker.broadcast(Object.assign(new definition.type() as object, payload));
  }

  /** Nest `Server`: sets the hook, and from now on every handler run goes through Nest's processing hooks. */
  override setOnProcessingStartHook(hook: Parameters<Server['setOnProcessingStartHook']>[0]): void {
    super.setOnProcessingStartHook(hook);
    this.processingHooks = true;
  }

  /** Nest `Server`: sets the hook, and from now on every handler run goes through Nest's processing hooks. */
  override setOnProcessingEndHook(hook: Parameters<Server['setOnProcessingEndHook']>[0]): void {
    super.setOnProcessingEndHook(hook);
    this.processingHooks = true;
  }

  /** NestDispatcher: runs one delivery through Nest (called by the IPC listener via `NestHandlerActor`). */
  dispatch(nest: NestRoute, delivery: Delivery): void {
    if (this.closing) throw new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN);
    if (this.inFlight >= this.maxInFlight) throw new ActorError(ErrorCode.TARGET_BUSY, ErrorMessages.INBOX_FULL);
    this.inFlight++;
    const context = new ActonContext([nest.route, delivery]);
    const data = plainPayload(delivery.message);
    if (nest.handler.isEventHandler) this.runEvent(nest, data, context, delivery);
    else if (!this.processingHooks) void this.runRequest(nest.handler, data, context, delivery, this.released);
    else {
      // Nest's hooks (e.g. a tracing integration's span) wrap the run, as on Nest's own transports.
      void this.runWithProcessingHooks(context, (runEndHook) =>
        this.runRequest(nest.handler, data, context, delivery, () => {
          runEndHook();
          this.released();
        }),
      );
    }
  }

  private async start(): Promise<void> {
    if (this.app) throw new Error('ActonTransport.listen() was already called; create one transport per microservice');
    this.collectRoutes();
    const types = [...this.actors.values()].flatMap((actor) => actor.handlers().map((handler) => handler.wireName));
    if (this.sharedApp) {
      const listener = this.sharedApp.listener;
      if (!listener) {
        throw new Error(
          'ActonTransport option app: that app has no IPC listener; ' +
            'import IpcModule.forRoot() in it (ActonModule.forRoot({ ipc }) does)',
        );
      }
      for (const type of types) ensurePlainMessageType(this.sharedApp.registry, type);
      for (const actor of this.actors.values()) listener.expose(actor.name, actor);
      this.app = this.sharedApp;
    } else {
      const listener = new IpcListener(this.ipcOptions);
      for (const actor of this.actors.values()) listener.expose(actor.name, actor);
      // Types are registered by the first extension, before the listener (the second) binds.
      const root = {
        module: ActonTransportHostModule,
        extensions: [() => new PlainMessageTypes(types), () => listener],
      };
      this.app = await bootstrap(root, {
        validator: new PlainPayloadValidator(),
        ...(this.ipcOptions.logger ? { logger: this.ipcOptions.logger } : {}),
      });
    }
    if (this.eventRoutes.length > 0) {
      this.unlisten = this.app.broker.addBroadcastListener((event) => this.onBroadcast(event));
    }
  }

  private collectRoutes(): void {
    for (const [patternKey, handler] of this.messageHandlers) {
      const route = parseActonPattern(patternKey);
      if (!route) {
        this.logger.warn(`${describeUnroutablePattern(patternKey)}; it is not served by ActonTransport`);
        continue;
      }
      const nest: NestRoute = { route, handler, patternKey };
      let actor = this.actors.get(route.actor);
      if (!actor) this.actors.set(route.actor, (actor = new NestHandlerActor(route.actor, this)));
      actor.add(nest);
      if (handler.isEventHandler) this.eventRoutes.push(nest);
    }
  }

  /**
   * Runs a `@MessagePattern` handler (Nest's wrapped handler: guards, interceptors, pipes and
   * exception filters included) and forwards its result; `done` once it is answered. Never rejects.
   * Nest's processing hooks are the caller's business: without hooks, a request costs one Promise
   * here, not the three and a closure of `runWithProcessingHooks`.
   */
  private async runRequest(
    handler: MessageHandler,
    data: unknown,
    context: ActonContext,
    delivery: Delivery,
    done: () => void,
  ): Promise<void> {
    let result: unknown;
    try {
      result = await handler(data, context);
    } catch (err) {
      delivery.sink?.error(actorErrorFromNest(err));
      return done();
    }
    forwardReplies(result, delivery, done);
  }

  private runEvent(nest: NestRoute, data: unknown, context: ActonContext, delivery: Delivery): void {
    const done = (end: () => void): void => {
      end();
      this.released();
    };
    this.handleEvent(nest.patternKey, { pattern: nest.patternKey, data }, context).then(
      () => done(() => delivery.sink?.complete()),
      (err: unknown) => done(() => delivery.sink?.error(actorErrorFromNest(err))),
    );
  }

  /** Push subscriptions: a broadcast of a type some `@EventPattern` handles runs that handler. */
  private onBroadcast(event: BroadcastEvent): void {
    for (const nest of this.eventRoutes) {
      if (nest.route.type !== event.wireName) continue;
      const route: ActonRoute = nest.route;
      const delivery: Delivery = {
        message: event.message,
        wireName: event.wireName,
        correlationId: 'broadcast',
        peer: { connectionId: 'local' },
      };
      const context = new ActonContext([route, delivery]);
      this.handleEvent(nest.patternKey, { pattern: nest.patternKey, data: plainPayload(event.message) }, context).catch(
        (err: unknown) =>
          this.logger.error(
            `@EventPattern handler of broadcast ${event.wireName} failed: ` +
              (err instanceof Error ? err.message : String(err)),
          ),
      );
    }
  }

  private async shutdown(): Promise<void> {
    const app = this.app;
    if (!app) return;
    if (app === this.sharedApp) {
      for (const name of this.actors.keys()) app.listener?.hide(name);
      const timeoutMs = app.listener?.config.shutdown.drainTimeoutMs ?? 5000;
      await this.whenIdle(timeoutMs);
    } else {
      await app.close();
      await this.whenIdle(app.listener?.config.shutdown.drainTimeoutMs ?? 5000);
    }
    this.unlisten?.();
    this._status$.next('closed');
  }

  private whenIdle(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.idle.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.idle.add(wake);
    });
  }

  private runningApp(): ActonApp {
    if (!this.app) {
      throw new Error('ActonTransport is not listening yet: call publish() after the microservice listens');
    }
    return this.app;
  }
}

/** Nest handlers get the payload as a plain object (their pipes build DTOs), not a decode class. */
function plainPayload(message: object): unknown {
  return Object.getPrototypeOf(message) === Object.prototype ? message : { ...message };
}
