import { Observable } from './rxjs-subset';
import { ActorError, isActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import type { MessageDefinition } from '../metadata/message-metadata';
import { MessageRegistry } from '../metadata/message-registry';
import { MessageClass, messageFrom, MessageInstance, MessageProps, ReplyOf } from '../metadata/message-typing';
import { checkActorName, planActor } from './actor-plan';
import { ActorNameResolver, ActorRef } from './actor-ref';
import { ActorSystem } from './actor-system';
import { KeyedActorType } from './keyed/keyed-actor-type';
import { KeyedActors } from './keyed/keyed-actors';
import { AppExtension, AppExtensions } from './app-extension';
import { AskRequest } from './ask-request';
import { Broker } from './broker';
import { Clock } from './clock';
import { deadlineTimersFor, DeadlineTimers } from './deadline-timers';
import { LocalDelivery } from './delivery';
import { Injector } from './injector';
import { Instrumentation } from './instrumentation';
import { hasLifecycleHooks, Lifecycle, withinTime } from './lifecycle';
import { Logger } from './logger';
import { LocalActorRef } from './local-actor-ref';
import { InjectionToken, Type } from './provider';
import { ReplySink } from './reply-sink';
import { StreamRequest } from './stream-request';
import { Supervisor } from './supervisor';
import { TellReceipt } from './tell-receipt';
import { TimerDelivery, Timers } from './timers';

/** Default `ask` timeout: the protocol's default `response_timeout_ms` (docs/protocol.md §2.2). */
export const DEFAULT_ASK_TIMEOUT_MS = 30_000;
/** Default `close` timeout: the protocol's default `drain_timeout_ms` (docs/protocol.md §5.5). */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/** Whom to send to: an actor's name, its class (the module's instance) or a ref. */
export type ActorTarget = string | Type | ActorRef;

/** Options of `app.ask`. */
export interface AskOptions {
  /** Milliseconds to wait for the first reply, counted from the enqueue; default 30000. */
  readonly timeoutMs?: number;
}

/** Options of `app.stream`. */
export interface StreamOptions {
  /** Deadline in milliseconds for the whole stream; default: none. */
  readonly timeoutMs?: number;
}

/** Options of `app.close`. */
export interface CloseOptions {
  /**
   * Bound, in milliseconds, for each shutdown phase (extension drain, in-flight handlers, each
   * onStop); default 5000.
   */
  readonly timeoutMs?: number;
}

/** Options of `app.spawn`. */
export interface SpawnOptions {
  /**
   * Override the class's `@Actor({ expose })` for this instance. A child is not exposed unless
   * this is `true`; then the IPC listener serves it under its full name at once.
   */
  readonly expose?: boolean;
  /**
   * Start it as a child of this actor: named `<parent>/<name>`, supervised by the parent (its
   * `strategy`; past its restart limit the failure escalates to the parent), stopped before
   * the parent (reverse start order) and whenever the parent restarts.
   */
  readonly parent?: ActorTarget;
}

const NO_SPAWN_OPTIONS: SpawnOptions = Object.freeze({});

/** Options of `ctx.spawn` (the parent is the calling actor). */
export type ChildSpawnOptions = Omit<SpawnOptions, 'parent'>;

/** One actor of the app, as listed by `app.actors()`. */
export interface ActorEntry {
  readonly name: string;
  readonly ref: ActorRef;
  /** Served by the IPC listener (`@Actor({ expose })`, default true; children: `spawn`'s `expose`). */
  readonly expose: boolean;
  /** Full name of the parent, for a child actor. */
  readonly parent?: string;
}

/** `running` → `closing` (during `close()`) → `closed`. */
export type AppState = 'running' | 'closing' | 'closed';

/** @internal what `ActonApp` is built from (see `buildApp`) */
export interface AppInternals {
  readonly injector: Injector;
  readonly system: ActorSystem;
  /** The keyed actor types (`@Actor({ cluster: 'keyed' })`), addressed as `name/key`. */
  readonly keyed: KeyedActors;
  readonly registry: MessageRegistry;
  readonly broker: Broker;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly supervisor: Supervisor;
  readonly clock: Clock;
  /** The app's own `Timers` (injected into providers); cancelled when the app closes. */
  readonly timers: Timers;
  /** Validate messages passed to ask/tell/stream with the registry's validator. */
  readonly validateInProcess: boolean;
}

/**
 * A running acton-ts application (what `bootstrap()` resolves to; injectable into actors and
 * providers). Sends messages to actors in-process, spawns actors, and closes gracefully.
 */
export class ActonApp implements TimerDelivery {
  private extensionList: AppExtension[] = [];
  private closing?: Promise<void>;
  private appState: AppState = 'running';
  private readonly closeHooks: (() => void)[] = [];
  private nameResolver?: ActorNameResolver;
  /** The deadlines of `ask` / `stream`, on the app's clock. */
  private readonly deadlines: DeadlineTimers;

  /** @internal use `bootstrap()` or `createTestingApp()` */
  constructor(private readonly internals: AppInternals) {
    this.deadlines = deadlineTimersFor(internals.clock);
  }

  /** The app-wide `Broker` (broadcasts from it carry no `sourceActor`). */
  get broker(): Broker {
    return this.internals.broker;
  }

  /** The app's message types (wire name ↔ class ↔ reply). */
  get registry(): MessageRegistry {
    return this.internals.registry;
  }

  /** The logger the app and its extensions write to. */
  get logger(): Logger {
    return this.internals.logger;
  }

  /**
   * The app's instrumentation port: metrics and tracing modules install probes here to follow
   * every message its actors handle (nothing is installed by default).
   */
  get instrumentation(): Instrumentation {
    return this.internals.system.instrumentation;
  }

  /** Lifecycle state. */
  get state(): AppState {
    return this.appState;
  }

  /** The IPC listener when `IpcModule` is imported (typed by `lib/ipc`), else `undefined`. */
  get listener(): AppExtensions extends { ipc: infer L } ? L | undefined : unknown {
    return this.extension('ipc') as never;
  }

  /** The cluster node when `ClusterModule` (`acton-ts/cluster`) is imported, else `undefined`. */
  get cluster(): AppExtensions extends { cluster: infer C } ? C | undefined : unknown {
    return this.extension('cluster') as never;
  }

  /**
   * The singleton provided under `token` (a provider, an actor instance, `Broker`, `ActonApp`).
   * @throws Error naming the token when nothing provides it
   */
  get<T>(token: InjectionToken<T>): T {
    return this.internals.injector.resolve(token);
  }

  /**
   * Sends `message` and resolves with the first reply (request-response).
   *
   * Rejects with `ActorError`: `ACTOR_NOT_FOUND` (unknown target), `UNKNOWN_MESSAGE_TYPE`
   * (not a `@Message` instance, or the actor has no handler for it), `SERIALIZATION_ERROR`
   * (validation failed, listing the fields), `TARGET_BUSY` (mailbox full), `SHUTTING_DOWN`
   * (closing), `TIMEOUT` ("Request timed out after <ms> ms waiting for response"; the handler's
   * `ctx.signal` is aborted), `IO_ERROR` ("I/O error: Response channel closed without receiving
   * a response") when the handler finished without replying. A handler's own error rejects the
   * Promise as it was thrown.
   *
   * Two forms: `ask(target, Reserve, { sku, qty })` builds the message from its class, checks
   * the fields at compile time (`MessageProps`) and infers the reply from the class's declared
   * `__reply` (`ReplyOf`); `ask(target, message)` sends an instance as it is.
   *
   * @typeParam R the reply type of the instance form (not checked at run time)
   */
  ask<M extends object>(
    target: ActorTarget,
    type: MessageClass<M>,
    props: MessageProps<M>,
    options?: AskOptions,
  ): Promise<ReplyOf<M>>;
  ask<R = any, M extends MessageInstance = MessageInstance>(
    target: ActorTarget,
    message: M,
    options?: AskOptions,
  ): Promise<R>;
  ask<R>(target: ActorTarget, messageOrType: object, propsOrOptions?: object, classOptions?: AskOptions): Promise<R> {
    const typed = typeof messageOrType === 'function';
    const message = typed
      ? messageFrom(messageOrType as MessageClass, (propsOrOptions ?? {}) as MessageProps<object>)
      : messageOrType;
    const options: AskOptions | undefined = typed ? classOptions : propsOrOptions;
    try {
      const timeoutMs = checkedTimeout(options?.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS, 'ask');
      const { ref, definition } = this.route(target, message);
      const checked = this.checkHere(ref, definition, message);
      if (checked) return checked.then(() => this.sendAsk<R>(ref, message, definition.name, timeoutMs));
      return this.sendAsk<R>(ref, message, definition.name, timeoutMs);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** `ask` once the message is checked: enqueue, then the deadline (no closure per call). */
  private sendAsk<R>(ref: ActorRef, message: object, wireName: string, timeoutMs: number): Promise<R> {
    const request = new AskRequest(message, wireName, timeoutMs, this.deadlines);
    ref.deliver(request.delivery);
    request.startDeadline();
    return request.promise as Promise<R>;
  }

  /**
   * Sends `message` without waiting for its handler (fire-and-forget). Replies are discarded; a
   * failing handler is logged.
   *
   * Returns a `TellReceipt`, a Promise of the delivery you may await or ignore: it resolves once
   * the actor's mailbox accepted the message (for an actor on another cluster node: once the
   * owner's mailbox acknowledged it) and rejects with the typed `ActorError` otherwise — the
   * owner's validation failure (`SERIALIZATION_ERROR`), `ACTOR_NOT_FOUND` when no node serves the
   * name, `TARGET_BUSY`, `NODE_UNAVAILABLE`, `CONNECTION_CLOSED`, or `TIMEOUT` when no ack came
   * (then it may or may not have arrived). A failure nobody awaits is logged.
   * @throws ActorError synchronously for the enqueue failures known at once, listed at `ask` (never
   *   `TIMEOUT` / `IO_ERROR` no-reply)
   */
  tell(target: ActorTarget, message: object): TellReceipt {
    const { ref, definition } = this.route(target, message);
    const checked = this.checkHere(ref, definition, message);
    const delivered = checked
      ? checked.then(() => this.deliverTold(ref, message, definition.name))
      : this.deliverTold(ref, message, definition.name);
    // No closure for a delivery already done: every first call to a keyed actor comes through here.
    if (!delivered) return TellReceipt.DELIVERED;
    return TellReceipt.pending(delivered, (err) => {
      const why = isActorError(err) ? `${err.code}: ${err.message}` : String(err);
      this.logger.error(`tell(${definition.name}) to '${ref.name}' failed: ${why}`, err);
    });
  }

  /** Enqueues a told message; a Promise while the mailbox that takes it is in another process. */
  private deliverTold(ref: ActorRef, message: object, wireName: string): void | Promise<void> {
    const delivery = new LocalDelivery(message, wireName);
    return ref.deliverAcknowledged ? ref.deliverAcknowledged(delivery) : ref.deliver(delivery);
  }

  /**
   * Sends `message` as a stream request: each reply is one value, then completion (or the
   * handler's error). Cold: the message is sent on subscribe. Unsubscribing aborts the handler's
   * `ctx.signal` and stops a returned AsyncIterable (its `finally` runs) or Observable (its
   * teardown runs). Errors as for `ask`; with `timeoutMs`, `TIMEOUT` "Stream timed out after <ms> ms".
   */
  stream<T = any>(target: ActorTarget, message: object, options: StreamOptions = {}): Observable<T> {
    return new Observable<T>((subscriber) => {
      let request: StreamRequest | undefined;
      let unsubscribed = false;
      const start = (ref: ActorRef, wireName: string): void => {
        if (unsubscribed) return;
        request = new StreamRequest(message, wireName, subscriber, options.timeoutMs, this.deadlines);
        ref.deliver(request.delivery);
        request.startDeadline();
      };
      try {
        if (options.timeoutMs !== undefined) checkedTimeout(options.timeoutMs, 'stream');
        const { ref, definition } = this.route(target, message);
        const checked = this.checkHere(ref, definition, message);
        if (checked) checked.then(() => start(ref, definition.name)).catch((err: unknown) => subscriber.error(err));
        else start(ref, definition.name);
      } catch (err) {
        subscriber.error(err);
      }
      return () => {
        unsubscribed = true;
        request?.cancel();
      };
    });
  }

  /**
   * Starts another instance of an actor class under `name`: its own state and mailbox, built by
   * the injector (with a `Broker` bound to `name`), `onStart` called. It is listed by `actors()`.
   * A top-level one is served by an IPC listener that is already running once
   * `listener.expose(name, ref)` is called; a child (`{ parent }`, named `<parent>/<name>`) is
   * served under its full name only with `{ expose: true }`, at once.
   * @throws (rejects) Error when the name is taken or (for a child) contains '/', the parent is
   *   unknown, the class is not an `@Actor`, a message name clashes, or its `onStart` fails (then
   *   it is removed again)
   */
  spawn(type: Type, name: string, options?: SpawnOptions): Promise<ActorRef> {
    try {
      const ref = this.createSpawned(type, name, options ?? NO_SPAWN_OPTIONS);
      // No hooks (most spawned actors): nothing to wait for, no label built, no await.
      if (!hasLifecycleHooks(ref.instance)) return Promise.resolve(this.spawned(ref));
      const member = this.internals.lifecycle.add(ref.instance, `actor '${ref.name}' (${type.name})`);
      if (!member) return Promise.resolve(this.spawned(ref));
      return this.internals.lifecycle.start(member).then(
        () => this.spawned(ref),
        (err: unknown) => {
          this.internals.system.remove(ref);
          ref.stop(new ActorError(ErrorCode.IO_ERROR, ErrorMessages.RECIPIENT_CLOSED));
          throw err;
        },
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Every actor (module singletons and spawned ones) with its exposure flag. */
  actors(): readonly ActorEntry[] {
    const keyed = this.internals.keyed
      .all()
      .map((type): ActorEntry => ({ name: type.name, ref: type, expose: type.expose }));
    return [...this.internals.system.all().map((ref) => this.entryOf(ref)), ...keyed];
  }

  /** The keyed actor type named `name` (`@Actor({ cluster: 'keyed' })`), if any. */
  keyedActor(name: string): KeyedActorType | undefined {
    return this.internals.keyed.byNameOf(name);
  }

  /**
   * The app's `Timers` (the ones injected into providers; an actor's own are `ctx.timers`).
   * Cancelled when the app closes.
   */
  get timers(): Timers {
    return this.internals.timers;
  }

  /** The clock the runtime's timers and restart backoff use (`{ clock }` of `bootstrap`). */
  get clock(): Clock {
    return this.internals.clock;
  }

  /** @internal TimerDelivery: a timer's message, routed like `tell` (not validated: in-process code built it) */
  deliverTimed(target: ActorTarget, message: object, sink: ReplySink): void {
    const { ref, definition } = this.route(target, message);
    ref.deliver(new LocalDelivery(message, definition.name, sink));
  }

  /** @internal an actor stopped for good (supervision): forget it and stop serving it */
  forgetActor(ref: LocalActorRef): void {
    const entry = this.entryOf(ref);
    this.internals.system.remove(ref);
    for (const extension of this.extensionList) extension.actorRemoved?.(entry);
  }

  /** The actor registered under `name`, if any. */
  actorRef(name: string): ActorRef | undefined {
    return this.internals.system.byNameOf(name);
  }

  /** The extension of that kind contributed by an imported dynamic module (e.g. `'ipc'`). */
  extension<K extends keyof AppExtensions>(kind: K): AppExtensions[K] | undefined;
  extension<T = unknown>(kind: string): T | undefined;
  extension(kind: string): unknown {
    return this.extensionList.find((extension) => extension.kind === kind);
  }

  /**
   * Closes gracefully; idempotent (every call returns the same Promise). Order: extensions
   * drain (the IPC listener answers new requests `SHUTTING_DOWN` and finishes in-flight ones) →
   * mailboxes stop accepting (`SHUTTING_DOWN` "Server is shutting down") → queued and running
   * handlers and streams finish, at most `timeoutMs` → leftovers end with `SHUTTING_DOWN` →
   * `onStop` in reverse start order → extensions stop. Never rejects: failures are logged.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    return this.closing;
  }

  /**
   * @internal a failed start: without draining, stops the actors that started (reverse order)
   * and calls every extension's `stop()`; later `close()` calls return the same Promise
   */
  abortStartup(timeoutMs: number): Promise<void> {
    this.closing ??= (async () => {
      this.appState = 'closing';
      const { system, lifecycle, logger } = this.internals;
      for (const hook of this.closeHooks.splice(0)) this.safely(hook, 'a close hook');
      this.stopSupervision();
      system.drainAll();
      system.stopAll(new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN));
      await lifecycle.stopAll(logger, timeoutMs);
      for (const extension of [...this.extensionList].reverse())
        await this.bounded(() => extension.stop(), `stopping extension '${extension.kind}'`, timeoutMs);
      this.appState = 'closed';
    })();
    return this.closing;
  }

  /** @internal set by the builder */
  attachExtensions(extensions: readonly AppExtension[]): void {
    this.extensionList = [...extensions];
  }

  /** @internal the extensions, in start order */
  get extensions(): readonly AppExtension[] {
    return this.extensionList;
  }

  /** @internal lets an extension (the cluster) route names first; `undefined` removes it */
  resolveNamesWith(resolver: ActorNameResolver | undefined): void {
    this.nameResolver = resolver;
  }

  /** @internal called once when `close()` starts (e.g. to remove signal handlers) */
  onClose(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.appState = 'closing';
    const { system, keyed, lifecycle, logger } = this.internals;
    for (const hook of this.closeHooks.splice(0)) this.safely(hook, 'a close hook');
    this.stopSupervision();
    for (const extension of this.extensionList)
      await this.bounded(() => extension.drain(timeoutMs), `draining extension '${extension.kind}'`, timeoutMs);
    system.drainAll();
    keyed.drainAll();
    const drained = await withinTime(Promise.all([system.whenIdle(), keyed.whenIdle()]), timeoutMs);
    if (!drained)
      logger.warn(
        `close(): actors still had work after ${timeoutMs} ms; ending their queued messages and streams with SHUTTING_DOWN`,
      );
    const stopping = new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN);
    system.stopAll(stopping);
    // Keyed activations passivate (their state saved) before the providers they may use stop.
    await this.bounded(() => keyed.passivateAll(stopping), 'passivating keyed actors', timeoutMs);
    await lifecycle.stopAll(logger, timeoutMs);
    for (const extension of [...this.extensionList].reverse())
      await this.bounded(() => extension.stop(), `stopping extension '${extension.kind}'`, timeoutMs);
    this.appState = 'closed';
  }

  /** Closing: timers stop, and actors waiting to restart stop with `SHUTTING_DOWN`. */
  private stopSupervision(): void {
    this.internals.timers.cancelAll();
    this.internals.system.cancelTimers();
    this.internals.supervisor.abortRestarts(new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN));
  }

  /** `spawn` up to `onStart`: checks, registers its messages, builds and registers the actor. */
  private createSpawned(type: Type, name: string, options: SpawnOptions): LocalActorRef {
    this.assertRunning();
    const parent = options.parent === undefined ? undefined : this.localRef(options.parent, 'parent');
    if (parent && (typeof name !== 'string' || name.includes('/'))) {
      throw new Error(
        `Invalid child name ${JSON.stringify(name)} for ${type.name}: give the child's own name without '/'; ` +
          `it is registered as '${parent.name}/<name>'`,
      );
    }
    const fullName = parent ? `${parent.name}/${name}` : name;
    const plan = planActor(type);
    checkActorName(type, fullName);
    const expose = options.expose ?? (parent ? false : plan.options.expose);
    const holder = this.internals.system.byNameOf(fullName);
    if (holder) {
      const taken = `the name is taken by ${holder.actorClass.name}; choose another name`;
      throw new Error(`Cannot spawn ${type.name} as '${fullName}': ${taken}`);
    }
    for (const handler of plan.handlers) this.registry.register(handler.definition);
    return this.internals.system.createNamed(plan, fullName, expose, this.internals.injector, parent);
  }

  /** A spawned actor started: a child exposed at spawn is announced to the extensions. */
  private spawned(ref: LocalActorRef): LocalActorRef {
    if (ref.parentRef && ref.expose)
      for (const extension of this.extensionList) extension.actorExposed?.(this.entryOf(ref));
    return ref;
  }

  private entryOf(ref: LocalActorRef): ActorEntry {
    return { name: ref.name, ref, expose: ref.expose, ...(ref.parent !== undefined && { parent: ref.parent }) };
  }

  private localRef(target: ActorTarget, role: string): LocalActorRef {
    const ref = this.resolveTarget(target);
    if (!(ref instanceof LocalActorRef)) throw new Error(`Invalid ${role} '${ref.name}': use an actor of this app`);
    return ref;
  }

  private async bounded(work: () => Promise<void>, what: string, timeoutMs: number): Promise<void> {
    try {
      if (!(await withinTime(Promise.resolve().then(work), timeoutMs)))
        this.logger.warn(`close(): ${what} took longer than ${timeoutMs} ms; continuing`);
    } catch (err) {
      this.logger.error(`close(): ${what} failed: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }

  private safely(hook: () => void, what: string): void {
    try {
      hook();
    } catch (err) {
      this.logger.error(`${what} failed`, err);
    }
  }

  private assertRunning(): void {
    if (this.appState !== 'running') throw new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN);
  }

  private route(target: ActorTarget, message: object): { ref: ActorRef; definition: MessageDefinition } {
    this.assertRunning();
    const ref = this.resolveTarget(target);
    if (message === null || typeof message !== 'object') {
      throw new ActorError(
        ErrorCode.UNKNOWN_MESSAGE_TYPE,
        `Cannot send ${String(message)}: pass an instance of a @Message class`,
      );
    }
    const definition = this.registry.definitionOf(message);
    if (!definition)
      throw new ActorError(
        ErrorCode.UNKNOWN_MESSAGE_TYPE,
        `Cannot send: ${this.registry.unregisteredReason(message.constructor)}`,
      );
    return { ref, definition };
  }

  private resolveTarget(target: ActorTarget): ActorRef {
    if (typeof target === 'string') {
      const ref: ActorRef | undefined =
        this.nameResolver?.(target) ?? this.internals.system.byNameOf(target) ?? this.internals.keyed.resolve(target);
      if (!ref) throw new ActorError(ErrorCode.ACTOR_NOT_FOUND, ErrorMessages.actorNotFound(target));
      if (ref.needsKey?.() === true)
        throw new ActorError(ErrorCode.ACTOR_NOT_FOUND, ErrorMessages.keyedActorWithoutKey(target));
      return ref;
    }
    if (typeof target === 'function') {
      const ref = this.internals.system.byClassOf(target);
      if (!ref)
        throw new ActorError(
          ErrorCode.ACTOR_NOT_FOUND,
          `${ErrorMessages.actorNotFound(target.name)} (no actor of class ${target.name} in this app: list it in a module's actors or spawn it)`,
        );
      return ref;
    }
    if (target && typeof (target as ActorRef).deliver === 'function') return target as ActorRef;
    throw new ActorError(
      ErrorCode.ACTOR_NOT_FOUND,
      `Invalid target ${String(target)}: use an actor name, an @Actor class or an ActorRef`,
    );
  }

  /** Validates `message` here (option `validation.inProcess`), unless its actor validates it elsewhere. */
  private checkHere(ref: ActorRef, definition: MessageDefinition, message: object): Promise<void> | undefined {
    // An actor served by another process validates the message there, once, with its own schema.
    if (!this.internals.validateInProcess || ref.validatedElsewhere?.() === true) return undefined;
    return this.registry.check(definition, message) ?? undefined;
  }
}

function checkedTimeout(timeoutMs: number, method: string): number {
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(
      `Invalid ${method}() timeoutMs ${String(timeoutMs)}: use a finite number of milliseconds >= 0`,
    );
  }
  return timeoutMs;
}
