import { ActorError } from '../../errors/actor-error';
import { ErrorCode } from '../../errors/error-code';
import { ErrorMessages } from '../../errors/error-messages';
import { KeyedLimits } from '../../metadata/actor-metadata';
import { ActorPlan } from '../actor-plan';
import { ActorRef, HandlerInfo } from '../actor-ref';
import { Delivery } from '../delivery';
import { HandlerJob } from '../handler-context';
import { invokeHandler } from '../handler-invocation';
import { Injector } from '../injector';
import { TEARDOWN_TIMEOUT_MS, withinTime } from '../lifecycle';
import { Logger } from '../logger';
import type { Timers } from '../timers';
import { ActivationHooks } from './activation-hooks';
import { isActivationRefused } from './activation-refused';
import { ActivationTable } from './activation-table';
import { IdlePassivation } from './idle-passivation';
import { KeyActivation } from './key-activation';
import { KeyRef } from './key-ref';
import { checkKey } from './keyed-key';
import { KeyedStateStore } from './keyed-state-store';
import { KeyedRestartHost, KeyedSupervision, KeyedSupervisionServices } from './keyed-supervision';
import { SlotLimit } from './slot-limit';

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

/** @internal A handler of the type, by wire name. */
export interface KeyedHandler {
  readonly info: HandlerInfo;
  readonly fn: Function;
}

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
  private readonly byWireName = new Map<string, KeyedHandler>();
  private readonly activations = new ActivationTable<KeyActivation>();
  /** Instance, claim, state and hooks of each activation as it starts and ends. */
  private readonly hooks: ActivationHooks;
  /** The idle clock (`KeyActivation.lastUsed`) and the sweep that passivates idle activations. */
  private readonly idle: IdlePassivation;
  /** `maxActiveKeys`: calls to new keys waiting for a slot, and the evictions asked for them. */
  private readonly slots: SlotLimit;
  private accepting = true;
  private gate?: KeyGate;
  private activated = 0;
  private passivated = 0;
  /** `@Actor({ supervision })`: failed activations restart (keyed-supervision.ts); absent: they resume. */
  private readonly supervision?: KeyedSupervision;

  constructor(
    plan: ActorPlan,
    private readonly context: KeyedActorContext,
  ) {
    this.name = plan.options.name;
    this.id = `acton-ts:${this.name}:keyed`;
    this.actorClass = plan.type;
    this.expose = plan.options.expose;
    this.limits = plan.options.keyed!;
    this.mailboxCapacity = plan.options.mailboxCapacity;
    this.hooks = new ActivationHooks(plan, context);
    this.idle = new IdlePassivation(context.clock, this.activations, this.limits.idleTimeoutMs, {
      sweepStarts: () => {
        if (!this.accepting) return false;
        this.slots.evictIfWaiting(); // some may be idle now
        return true;
      },
      passivateIdle: (activation, why) => void this.passivateActivation(activation, why),
    });
    this.slots = new SlotLimit(
      this.name,
      this.limits.maxActiveKeys,
      this.mailboxCapacity,
      context.clock,
      this.activations,
      {
        activate: (key) => this.activate(key),
        evict: (activation, why) => void this.passivateActivation(activation, why),
        idleNow: () => this.idle.now(),
      },
    );
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
   * Queues `delivery` for the activation of `key`, activating it first when needed. While
   * `maxActiveKeys` activations are alive, a call to a new key waits for a slot (`SlotLimit`).
   * @throws ActorError `UNKNOWN_MESSAGE_TYPE` (no handler), `TARGET_BUSY` (mailbox full, or a
   *   fire-and-forget to a new key at `maxActiveKeys`), `SHUTTING_DOWN` (the app closes)
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
    const now = this.idle.now(); // the one clock read of a delivery
    let activation = this.activations.get(key);
    if (activation === undefined) {
      if (this.slots.mustWait()) return this.slots.wait(key, delivery, handler);
      activation = this.activate(key, now);
    }
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
    if (!activation || (activation.phase !== 'active' && activation.phase !== 'suspended')) return Promise.resolve();
    return this.passivateActivation(activation, why, refuseLeftovers);
  }

  /**
   * Suspends the activation of `key` (the cluster: its node lease lapsed): no handler starts, new
   * and queued messages wait in its mailbox (bounded by `mailboxCapacity` and their deadlines), it
   * is not idle-passivated; running handlers are not interrupted. No hook runs. A no-op unless active.
   */
  suspend(key: string): void {
    const activation = this.activations.get(key);
    if (activation?.phase !== 'active') return;
    activation.phase = 'suspended'; // a mailbox taken from now on starts suspended
    activation.suspendMailbox();
  }

  /** Ends `suspend(key)`: the same instance runs the waiting messages, in order (no hook runs). */
  resume(key: string): void {
    const activation = this.activations.get(key);
    if (activation?.phase !== 'suspended') return;
    activation.phase = 'active';
    activation.lastUsed = this.idle.now(); // its idle time starts again
    activation.resumeMailbox();
  }

  /** Stops accepting messages (`SHUTTING_DOWN`); queued ones still run; restarts waiting for their backoff end. */
  drain(): void {
    this.accepting = false;
    this.slots.close(new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN));
    void this.supervision?.close();
    this.activations.forEach((activation) => activation.drainMailbox());
  }

  /** Resolves when no activation has queued or running work (a suspended one's queue cannot run here now). */
  async whenIdle(): Promise<void> {
    const busy: Promise<void>[] = [];
    this.activations.forEach((activation) => {
      const settling = activation.phase === 'suspended' ? activation.whenMailboxQuiet() : activation.whenMailboxIdle();
      if (settling) busy.push(settling);
    });
    await Promise.all(busy);
  }

  /** Passivates every activation (state saved, `onStop`); queued leftovers end with `reason`. */
  async passivateAll(reason: unknown): Promise<void> {
    this.accepting = false;
    this.slots.close(reason);
    this.idle.stop();
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
      // The key's lease lapsed (e.g. this event loop stalled): the handler must not run here. The
      // activation waits (suspended) until the cluster finds the key still this node's, or stops it.
      job.delivery.sink?.error(
        new ActorError(
          ErrorCode.SHUTTING_DOWN,
          `Keyed actor '${this.name}/${activation.key}' is suspended (its lease lapsed on this node); retry`,
        ),
      );
      this.suspend(activation.key);
      return;
    }
    return invokeHandler(job.fn, activation.instance, job.delivery.message, job);
  }

  /** @internal its mailbox went idle: while keys wait for a slot, it may be passivated for them (`SlotLimit`) */
  becameIdle(activation: KeyActivation): void {
    this.slots.becameIdle(activation);
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
    await this.hooks.stop(activation, label);
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
      this.slots.admitWaiting();
      return undefined;
    }
  }

  /** @internal */
  timersFor(owner: string): Timers {
    return this.context.timersFor(owner);
  }

  private activate(key: string, now = this.idle.now()): KeyActivation {
    if (!this.accepting) throw new ActorError(ErrorCode.SHUTTING_DOWN, ErrorMessages.SHUTTING_DOWN);
    if (this.activations.size >= this.limits.maxActiveKeys)
      throw this.slots.atLimit('its messages left over could not wait');
    const instance = this.hooks.construct();
    const activation = new KeyActivation(this, key, instance, now);
    this.activations.add(activation);
    this.activated++;
    this.idle.activationStarted();
    const started = this.hooks.start(activation, this.gate);
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
    this.slots.admitWaiting();
  }

  private async passivateActivation(activation: KeyActivation, why: string, refuseLeftovers?: unknown): Promise<void> {
    activation.phase = 'passivating'; // a mailbox taken from now on starts suspended
    activation.suspendMailbox();
    await this.hooks.passivate(activation, why, `keyed actor '${this.name}/${activation.key}'`);
    activation.release(() => new ActorError(ErrorCode.IO_ERROR, ErrorMessages.RECIPIENT_CLOSED));
    this.activations.remove(activation);
    this.slots.passivated(activation);
    this.passivated++;
    this.gate?.release(this.name, activation.key);
    if (refuseLeftovers === undefined) this.reactivateLeftovers(activation);
    else for (const job of activation.closeMailbox()) job.delivery.sink?.error(refuseLeftovers);
    this.slots.admitWaiting();
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
}

/** Queues the messages left in a previous activation's mailbox, in order, for `next`. */
function requeue(leftovers: readonly KeyedJob[], next: KeyActivation): void {
  for (const job of leftovers) next.mailbox.enqueue(new HandlerJob(job.delivery, next, job.readonly, job.fn));
}
