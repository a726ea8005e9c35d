import { ActorError } from '../../errors/actor-error';
import { ErrorCode } from '../../errors/error-code';
import { ErrorMessages } from '../../errors/error-messages';
import { constructorTokensOf } from '../../metadata/injection-metadata';
import { KeyedLimits } from '../../metadata/actor-metadata';
import { ActorPlan } from '../actor-plan';
import { ActorRef, HandlerInfo } from '../actor-ref';
import { ClockTimer } from '../clock';
import { Delivery } from '../delivery';
import { HandlerJob } from '../handler-context';
import { invokeHandler } from '../handler-invocation';
import { Injector } from '../injector';
import { TEARDOWN_TIMEOUT_MS, withinTime } from '../lifecycle';
import { Logger } from '../logger';
import type { Timers } from '../timers';
import { activationRefused, isActivationRefused } from './activation-refused';
import { ActivationTable } from './activation-table';
import { KeyActivation } from './key-activation';
import { checkKey } from './keyed-key';
import { KeyedStateStore, OnActivate, OnPassivate } from './keyed-state-store';
import { KeyedRestartHost, KeyedSupervision, KeyedSupervisionServices } from './keyed-supervision';

/** One queued message of an activation (its host is the activation). */
export type KeyedJob = HandlerJob<KeyActivation>;

/** What a keyed actor type needs from its app (`clock`, `broker`: for its supervision). */
export interface KeyedActorContext extends KeyedSupervisionServices {
  /** The actor's own injector scope (its `Broker` bound to the actor's name). */
  readonly injector: Injector;
  readonly logger: Logger;
  /** Builds the `Timers` of one activation (`ctx.timers`). */
  readonly timersFor: (owner: string) => Timers;
  /** The app's state store, when the app provides one (else state stays in memory). */
  readonly store: KeyedStateStore;
}

/** Counters of one keyed actor type (see `KeyedActorType.stats`). */
export interface KeyedActorStats {
  /** Activations alive now. */
  readonly active: number;
  /** Activations started since the app started. */
  readonly activations: number;
  /** Activations passivated (idle, lost lease, shutdown) since the app started. */
  readonly passivations: number;
}

/**
 * Decides, for the cluster, whether this node may host a key now. `claim` resolves `true` when
 * it may (e.g. it holds the key's lease); `release` is called once the activation is gone.
 */
export interface KeyGate {
  claim(actor: string, key: string): Promise<boolean> | boolean;
  release(actor: string, key: string): void;
  /** Whether this node may run `delivery` for `actor/key` now (its lease is fresh); called as its handler starts. */
  holds(actor: string, key: string, delivery?: Delivery): boolean;
}

type Hooks = Partial<OnActivate & OnPassivate & { onStart(): unknown; onStop(): unknown }>;

/** Bounds of the least gap between two idle sweeps (a quarter of `idleTimeoutMs`, clamped here). */
const SWEEP_MIN_MS = 10;
const SWEEP_MAX_MS = 1_000;
/** Span of the idle clock (`idleNow`) before it is moved forward: readings stay small integers. */
const IDLE_CLOCK_SPAN = 2 ** 30;

/**
 * A keyed (virtual) actor, `@Actor({ cluster: 'keyed' })`, registered under its name (`cart`)
 * and addressed per key (`cart/u-42`): activates a key on its first message (constructor,
 * `onActivate(state, key)`, `onStart`; messages wait meanwhile), routes later messages to that
 * activation, and passivates it after `idleTimeoutMs` without messages (`onPassivate` — its
 * result saved in the `KeyedStateStore` — then `onStop`). Messages that arrive while a key
 * passivates wait and go to its next activation. Handlers, dependencies and limits are shared by
 * all activations; each activation owns only its instance and mailbox.
 */
export class KeyedActorType implements ActorRef, KeyedRestartHost {
  readonly name: string;
  readonly id: string;
  readonly actorClass: Function;
  readonly expose: boolean;
  readonly limits: KeyedLimits;
  readonly mailboxCapacity: number;
  private readonly byWireName = new Map<string, { info: HandlerInfo; fn: Function }>();
  private readonly activations = new ActivationTable<KeyActivation>();
  private dependencies?: unknown[];
  /** The next idle sweep, on the app's clock; none while no activation is alive. */
  private sweeper?: ClockTimer;
  /** Least gap between two sweeps (each visits every activation): a quarter of `idleTimeoutMs`, 10 ms … 1 s. */
  private readonly sweepGapMs: number;
  /**
   * The app clock's reading where the idle clock starts: `KeyActivation.lastUsed` holds ms since
   * then (see `idleNow`), a small integer stored in the activation itself. An epoch time, or any
   * number computed from one without `| 0`, is a double, and V8 keeps a double field as a separate
   * heap number per activation (16 bytes, one more allocation per activation). Moved forward
   * every 2^30 ms (12.4 days) so that the integer stays small (`rebaseIdleClock`).
   */
  private idleOrigin: number;
  private accepting = true;
  private gate?: KeyGate;
  private activated = 0;
  private passivated = 0;
  /** `@Actor({ supervision })`: failed activations restart (keyed-supervision.ts); absent: they resume. */
  private readonly supervision?: KeyedSupervision;

  constructor(
    private readonly plan: ActorPlan,
    private readonly context: KeyedActorContext,
  ) {
    this.name = plan.options.name;
    this.id = `acton-ts:${this.name}:keyed`;
    this.actorClass = plan.type;
    this.expose = plan.options.expose;
    this.limits = plan.options.keyed!;
    this.mailboxCapacity = plan.options.mailboxCapacity;
    this.idleOrigin = context.clock.now();
    this.sweepGapMs = Math.min(SWEEP_MAX_MS, Math.max(SWEEP_MIN_MS, Math.floor(this.limits.idleTimeoutMs / 4)));
    if (plan.options.supervision) this.supervision = new KeyedSupervision(this, plan.options.supervision, context);
    for (const { info } of plan.handlers) {
      const fn = (plan.type.prototype as Record<string, unknown>)[info.method];
      if (typeof fn !== 'function')
        throw new Error(`${plan.type.name}.${info.method} is declared as a handler but is not a method`);
      this.byWireName.set(info.wireName, { info, fn });
    }
  }

  handlerFor(wireName: string): HandlerInfo | undefined {
    return this.byWireName.get(wireName)?.info;
  }

  handlers(): readonly HandlerInfo[] {
    return [...this.byWireName.values()].map((handler) => handler.info);
  }

  /** The ref of one key (`cart/u-42`). @throws ActorError `ACTOR_NOT_FOUND` for an empty or too long key */
  forKey(key: string): ActorRef {
    checkKey(this.name, key, this.limits.maxKeyLength);
    return new KeyRef(this, key);
  }

  /** Its bare name takes no message: one key does. */
  needsKey(): boolean {
    return true;
  }

  /** A keyed actor is addressed per key. @throws ActorError `ACTOR_NOT_FOUND` saying so */
  deliver(_delivery: Delivery): void {
    throw new ActorError(ErrorCode.ACTOR_NOT_FOUND, ErrorMessages.keyedActorWithoutKey(this.name));
  }

  /**
   * Queues `delivery` for the activation of `key`, activating it first when needed.
   * @throws ActorError `UNKNOWN_MESSAGE_TYPE` (no handler), `TARGET_BUSY` (mailbox full, or
   *   `maxActiveKeys` activations already), `SHUTTING_DOWN` (the app closes)
   */
  deliverTo(key: string, delivery: Delivery): void {
    const handler = this.byWireName.get(delivery.wireName);
    if (!handler) {
      throw new ActorError(
        ErrorCode.UNKNOWN_MESSAGE_TYPE,
        `${ErrorMessages.unknownMessageType(delivery.wireName)} (actor '${this.name}' has no handler for it)`,
      );
    }
    // Also refuses keys whose activation has no mailbox now (one taken later would be open).
    if (!this.accepting) throw new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN);
    const now = this.idleNow(); // the one clock read of a delivery
    const activation = this.activations.get(key) ?? this.activate(key, now);
    activation.lastUsed = now;
    activation.mailbox.enqueue(new HandlerJob(delivery, activation, handler.info.readonly, handler.fn));
  }

  /** Whether `key` has an activation here now (in any phase). */
  isActive(key: string): boolean {
    return this.activations.has(key);
  }

  /** Keys active here now. */
  activeKeys(): IterableIterator<string> {
    return this.activations.keys();
  }

  /** Counters (see `KeyedActorStats`). */
  stats(): KeyedActorStats {
    return { active: this.activations.size, activations: this.activated, passivations: this.passivated };
  }

  /** @internal the cluster: every new activation first claims its key through `gate` */
  useGate(gate: KeyGate | undefined): void {
    this.gate = gate;
  }

  /**
   * Passivates the activation of `key` now (e.g. its lease is lost), unless it is still starting;
   * resolves once it is gone.
   * Messages still queued go to the key's next activation here, or, given `refuseLeftovers`, fail
   * with it (the key moved: their callers send them again to where it lives now).
   */
  passivate(key: string, why = 'asked to', refuseLeftovers?: unknown): Promise<void> {
    const activation = this.activations.get(key);
    // One still starting is left to finish its hooks first (its caller asks again later).
    if (!activation || activation.phase !== 'active') return Promise.resolve();
    return this.passivateActivation(activation, why, refuseLeftovers);
  }

  /** Stops accepting messages (`SHUTTING_DOWN`); queued ones still run; restarts waiting for their backoff end. */
  drain(): void {
    this.accepting = false;
    void this.supervision?.close();
    this.activations.forEach((activation) => activation.drainMailbox());
  }

  /** Resolves when no activation has queued or running work. */
  async whenIdle(): Promise<void> {
    const busy: Promise<void>[] = [];
    this.activations.forEach((activation) => {
      const settling = activation.whenMailboxIdle();
      if (settling) busy.push(settling);
    });
    await Promise.all(busy);
  }

  /** Passivates every activation (state saved, `onStop`); queued leftovers end with `reason`. */
  async passivateAll(reason: unknown): Promise<void> {
    this.accepting = false;
    this.sweeper?.cancel();
    this.sweeper = undefined;
    const all = [...this.activations.values()];
    for (const activation of all) for (const job of activation.closeMailbox()) job.delivery.sink?.error(reason);
    const restarts = this.supervision?.close(); // activations being restarted are retired already
    await Promise.all(
      all
        .filter((activation) => activation.phase !== 'restarting')
        .map((activation) => this.passivateActivation(activation, 'the app closes')),
    );
    await restarts;
  }

  /** @internal runs a job of one of its activations */
  run(job: KeyedJob): PromiseLike<void> | void {
    const activation = job.host;
    if (this.gate && !this.gate.holds(this.name, activation.key, job.delivery)) {
      // The key's lease lapsed (e.g. this event loop stalled): the handler must not run here.
      job.delivery.sink?.error(
        new ActorError(
          ErrorCode.SHUTTING_DOWN,
          `Keyed actor '${this.name}/${activation.key}' is moving (its lease lapsed on this node); retry`,
        ),
      );
      if (activation.phase === 'active') void this.passivateActivation(activation, 'its lease lapsed');
      return;
    }
    return invokeHandler(job.fn, activation.instance, job.delivery.message, job);
  }

  /** @internal */
  reportUnhandled(activation: KeyActivation, err: unknown, delivery: Delivery): void {
    const text = err instanceof Error ? err.message : String(err);
    this.context.logger.error(
      `Keyed actor '${this.name}/${activation.key}' failed on ${delivery.wireName} (no caller to tell): ${text}`,
      err,
    );
  }

  /** @internal a handler failed: its caller heard it; the supervision option decides (none: the activation resumes) */
  reportFailure(activation: KeyActivation, err: unknown): void {
    if (this.supervision && activation.phase === 'active' && this.accepting) {
      this.supervision.failed(activation, err);
      return;
    }
    const text = err instanceof Error ? err.message : String(err);
    this.context.logger.debug(`Keyed actor '${this.name}/${activation.key}' handler failed: ${text}`);
  }

  /** @internal KeyedRestartHost (supervision) */
  async retireFailed(activation: KeyActivation, reason: unknown): Promise<void> {
    activation.phase = 'restarting';
    activation.mailbox.suspend();
    const label = `keyed actor '${this.name}/${activation.key}'`;
    if (!(await withinTime(activation.mailbox.whenQuiet(), TEARDOWN_TIMEOUT_MS)))
      this.context.logger.warn(`${label}: handlers still running after ${TEARDOWN_TIMEOUT_MS} ms; restarting anyway`);
    await this.stopHook(activation, label);
    activation.release(() => reason);
  }

  /** @internal KeyedRestartHost (supervision) */
  replaceRetired(old: KeyActivation, failQueuedWith?: unknown): KeyActivation | undefined {
    if (!this.activations.remove(old)) return undefined;
    this.passivated++;
    this.gate?.release(this.name, old.key);
    const leftovers = old.closeMailbox();
    try {
      if (failQueuedWith !== undefined) throw failQueuedWith;
      const next = this.activate(old.key);
      requeue(leftovers, next);
      return next;
    } catch (err) {
      for (const job of leftovers) job.delivery.sink?.error(err);
      return undefined;
    }
  }

  /** @internal */
  timersFor(owner: string): Timers {
    return this.context.timersFor(owner);
  }

  private activate(key: string, now = this.idleNow()): KeyActivation {
    if (!this.accepting) throw new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN);
    if (this.activations.size >= this.limits.maxActiveKeys) {
      throw new ActorError(
        ErrorCode.TARGET_BUSY,
        `Keyed actor '${this.name}' already has ${this.activations.size} active keys on this node, its limit ` +
          `(@Actor({ maxActiveKeys })): retry after some passivate, or raise the limit`,
      );
    }
    const instance = this.construct();
    const activation = new KeyActivation(this, key, instance, now);
    this.activations.add(activation);
    this.activated++;
    // No sweep pending means no other activation: this one's deadline is the earliest.
    if (!this.sweeper) this.scheduleSweep(this.limits.idleTimeoutMs);
    const started = this.runStartHooks(activation);
    if (started === undefined) {
      activation.phase = 'active';
      return activation;
    }
    activation.mailbox.suspend();
    started.then(
      () => {
        activation.phase = 'active';
        activation.mailbox.resume();
      },
      (err: unknown) => this.failActivation(activation, err),
    );
    return activation;
  }

  private construct(): object {
    try {
      this.dependencies ??= constructorTokensOf(this.plan.type).map((token) => this.context.injector.resolve(token));
      const type = this.plan.type as new (...args: unknown[]) => object;
      // A spread call takes a slower, generic path even for no arguments; most keyed actors have none.
      return this.dependencies.length === 0 ? new type() : new type(...this.dependencies);
    } catch (err) {
      throw new Error(
        `Cannot activate keyed actor '${this.name}' (${this.plan.type.name}): ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }

  /** Claim (cluster) → load state → onActivate → onStart; `undefined` when all of it ran synchronously. */
  private runStartHooks(activation: KeyActivation): Promise<void> | undefined {
    const hooks = activation.instance as Hooks;
    const { key } = activation;
    const claimed = this.gate?.claim(this.name, key);
    const wantsState = typeof hooks.onActivate === 'function';
    if (claimed === undefined || claimed === true) {
      if (!wantsState && typeof hooks.onStart !== 'function') return undefined;
    }
    return (async () => {
      if (!((await claimed) ?? true))
        throw activationRefused(ErrorCode.TARGET_BUSY, this.name, key, 'its key is still held by another node');
      const state = wantsState ? await this.loadState(key) : undefined;
      // The claim may have lapsed while the state loaded: no hook runs for a key held elsewhere.
      if (this.gate && !this.gate.holds(this.name, key))
        throw activationRefused(ErrorCode.SHUTTING_DOWN, this.name, key, 'its node lost the key while it started');
      if (wantsState) await hooks.onActivate!(state, key);
      if (typeof hooks.onStart === 'function') await hooks.onStart();
    })();
  }

  /** The key's saved state. @throws ActorError `IO_ERROR` (`activationRefused`) when the store fails */
  private async loadState(key: string): Promise<unknown> {
    try {
      return await this.context.store.load(this.name, key);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      throw activationRefused(ErrorCode.IO_ERROR, this.name, key, `its saved state could not be loaded (${text})`);
    }
  }

  private failActivation(activation: KeyActivation, err: unknown): void {
    this.activations.remove(activation);
    this.passivated++;
    const text = err instanceof Error ? err.message : String(err);
    const reason =
      err instanceof ActorError
        ? err
        : new Error(`Activation of '${this.name}/${activation.key}' failed: ${text}`, { cause: err });
    for (const job of activation.closeMailbox()) job.delivery.sink?.error(reason);
    activation.release(() => reason);
    this.gate?.release(this.name, activation.key);
    // Refused for a passing reason (claim, store): its callers send the calls again, so no warning each time.
    if (isActivationRefused(err)) this.context.logger.debug(text);
    else if (!(err instanceof ActorError))
      this.context.logger.error(`Activation of keyed actor '${this.name}/${activation.key}' failed: ${text}`, err);
  }

  private async passivateActivation(activation: KeyActivation, why: string, refuseLeftovers?: unknown): Promise<void> {
    activation.phase = 'passivating'; // a mailbox taken from now on starts suspended
    activation.suspendMailbox();
    const hooks = activation.instance as Hooks;
    const label = `keyed actor '${this.name}/${activation.key}'`;
    try {
      if (typeof hooks.onPassivate === 'function') {
        await this.context.store.save(this.name, activation.key, await hooks.onPassivate());
      }
    } catch (err) {
      this.context.logger.error(
        `onPassivate of ${label} failed (${why}); its state was not saved: ${String(err)}`,
        err,
      );
    }
    await this.stopHook(activation, label);
    activation.release(() => new ActorError(ErrorCode.IO_ERROR, ErrorMessages.RECIPIENT_CLOSED));
    this.activations.remove(activation);
    this.passivated++;
    this.gate?.release(this.name, activation.key);
    if (refuseLeftovers === undefined) return this.reactivateLeftovers(activation);
    for (const job of activation.closeMailbox()) job.delivery.sink?.error(refuseLeftovers);
  }

  private async stopHook(activation: KeyActivation, label: string): Promise<void> {
    const hooks = activation.instance as Hooks;
    try {
      if (typeof hooks.onStop === 'function') await hooks.onStop();
    } catch (err) {
      this.context.logger.error(`onStop of ${label} failed: ${String(err)}`, err);
    }
  }

  /** Messages that arrived while a key passivated go to its next activation. */
  private reactivateLeftovers(old: KeyActivation): void {
    const leftovers = old.closeMailbox();
    if (leftovers.length === 0) return;
    try {
      const next = this.activations.get(old.key) ?? this.activate(old.key);
      requeue(leftovers, next);
    } catch (err) {
      for (const job of leftovers) job.delivery.sink?.error(err);
    }
  }

  /** Now on the app's clock, in whole ms since `idleOrigin` (what `KeyActivation.lastUsed` holds). */
  private idleNow(): number {
    const elapsed = this.context.clock.now() - this.idleOrigin;
    return elapsed < IDLE_CLOCK_SPAN ? elapsed | 0 : this.rebaseIdleClock(elapsed);
  }

  /**
   * Moves `idleOrigin` to now and every activation's `lastUsed` back by as much (once per 12.4
   * days of the app's clock). A `lastUsed` more than `IDLE_CLOCK_SPAN` ms back is kept at that
   * bound: the activation was idle longer than any `idleTimeoutMs` up to 12.4 days (so it is
   * passivated as before); with a longer timeout, it passivates later than its exact deadline,
   * never earlier. Returns the new now, 0.
   */
  private rebaseIdleClock(elapsed: number): number {
    this.idleOrigin += elapsed;
    this.activations.forEach((activation) => {
      activation.lastUsed = Math.max(activation.lastUsed - elapsed, -IDLE_CLOCK_SPAN) | 0;
    });
    return 0;
  }

  /** Arms the next sweep `delayMs` from now on the app's clock (a `ManualClock` drives it in tests). */
  private scheduleSweep(delayMs: number): void {
    this.sweeper = this.context.clock.schedule(this.sweep, delayMs);
    this.sweeper.unref?.(); // idle activations alone do not keep the process alive
  }

  /**
   * Passivates the activations idle for `idleTimeoutMs`, then arms the next sweep for the
   * earliest deadline still ahead (a later message only moves a deadline later), at least
   * `sweepGapMs` away, so a lone idle key passivates exactly at its deadline and many keys with
   * spread-out deadlines cost one visit each per gap. An activation that is busy, starting or
   * passivating is looked at again one gap later. Sweeping stops when no activation is left.
   */
  private readonly sweep = (): void => {
    this.sweeper = undefined;
    if (this.activations.size === 0 || !this.accepting) return;
    const now = this.idleNow();
    const { idleTimeoutMs } = this.limits;
    let nextDue = Infinity;
    this.activations.forEach((activation) => {
      if (activation.phase !== 'active' || !activation.idle) {
        nextDue = Math.min(nextDue, now + this.sweepGapMs);
        return;
      }
      const due = activation.lastUsed + idleTimeoutMs;
      if (due <= now) void this.passivateActivation(activation, `idle for ${idleTimeoutMs} ms`);
      else if (due < nextDue) nextDue = due;
    });
    this.scheduleSweep(Math.max(this.sweepGapMs, nextDue === Infinity ? this.sweepGapMs : nextDue - now));
  };
}

/** Queues the messages left in a previous activation's mailbox, in order, for `next`. */
function requeue(leftovers: readonly KeyedJob[], next: KeyActivation): void {
  for (const job of leftovers) next.mailbox.enqueue(new HandlerJob(job.delivery, next, job.readonly, job.fn));
}

/** The `ActorRef` of one key of a keyed actor (`cart/u-42`). */
export class KeyRef implements ActorRef {
  constructor(
    private readonly type: KeyedActorType,
    readonly key: string,
  ) {}

  get name(): string {
    return `${this.type.name}/${this.key}`;
  }

  get id(): string {
    return `${this.type.id}:${this.key}`;
  }

  get actorClass(): Function {
    return this.type.actorClass;
  }

  handlerFor(wireName: string): HandlerInfo | undefined {
    return this.type.handlerFor(wireName);
  }

  handlers(): readonly HandlerInfo[] {
    return this.type.handlers();
  }

  deliver(delivery: Delivery): void {
    this.type.deliverTo(this.key, delivery);
  }
}
