import { constructorTokensOf } from '../metadata/injection-metadata';
import { ResolvedHandler } from '../metadata/handler-metadata';
import { ActorPlan } from './actor-plan';
import { BroadcastHub } from './broadcast-hub';
import { Broker } from './broker';
import { Injector } from './injector';
import { Instrumentation } from './instrumentation';
import { ActorKind, ActorSupervisor, LocalActorRef } from './local-actor-ref';
import { Logger } from './logger';
import { InjectionToken, Type } from './provider';
import { Timers } from './timers';

/** Builds the `Timers` of one actor instance, labelled with its name. */
export type TimersFactory = (owner: string) => Timers;

/** What the actor system keeps per actor class: what its actors share, and how it is built. */
interface ClassPlan {
  readonly kind: ActorKind;
  /** Its `subscribe: true` handlers. */
  readonly subscribing: readonly ResolvedHandler[];
  /** Its constructor's injection tokens (read from the class's metadata once). */
  readonly tokens: readonly InjectionToken[];
  /** Whether its constructor takes its own `Broker` / `Timers` (then it is built in a child injector). */
  readonly takesBroker: boolean;
  readonly takesTimers: boolean;
}

/**
 * The running actors of one app: builds instances (each in its own child injector whose
 * `Broker` is bound to the actor's name, docs/protocol.md §0 D5, and whose `Timers` are the
 * instance's own), rebuilds them for restarts, finds them by name or class, and drives them
 * through shutdown. What the actors of one class share (handlers, limits, constructor tokens)
 * is worked out once per class.
 */
export class ActorSystem {
  private readonly byName = new Map<string, LocalActorRef>();
  private readonly byClass = new Map<Function, LocalActorRef>();
  private readonly unsubscribes = new Map<LocalActorRef, (() => void)[]>();
  private readonly classPlans = new WeakMap<Function, ClassPlan>();
  /** Where every actor of this system reports its messages (metrics, tracing); empty by default. */
  readonly instrumentation = new Instrumentation();

  constructor(
    private readonly hub: BroadcastHub,
    private readonly broker: Broker,
    private readonly logger: Logger,
    private readonly timersFor: TimersFactory,
    private readonly supervisor: ActorSupervisor,
  ) {}

  /**
   * Builds and registers an actor instance named `plan.options.name`.
   * @throws Error when the name is taken, or "Cannot create actor '<name>' (<Class>): <why>"
   *   when its construction (or a dependency's) fails
   */
  create(plan: ActorPlan, injector: Injector, parent?: LocalActorRef): LocalActorRef {
    const { name } = plan.options;
    const holder = this.byName.get(name);
    if (holder) {
      throw new Error(
        `Actor name '${name}' is already taken by ${holder.actorClass.name}; give ${plan.type.name} another name`,
      );
    }
    return this.createNamed(plan, name, plan.options.expose, injector, parent);
  }

  /**
   * Builds and registers another actor of `plan`'s class under `name` (`app.spawn`, which has
   * checked that the name is free; the plan's own name and exposure are not used).
   * @throws Error "Cannot create actor '<name>' (<Class>): <why>" when its construction fails
   */
  createNamed(
    plan: ActorPlan,
    name: string,
    expose: boolean,
    injector: Injector,
    parent?: LocalActorRef,
  ): LocalActorRef {
    const { classPlan, instance, timers } = this.construct(plan.type, name, injector, plan);
    const ref = new LocalActorRef(classPlan.kind, name, expose, instance, timers, injector, parent);
    this.byName.set(name, ref);
    parent?.addChild(ref);
    if (!this.byClass.has(plan.type)) this.byClass.set(plan.type, ref);
    if (classPlan.subscribing.length > 0) {
      this.unsubscribes.set(
        ref,
        classPlan.subscribing.map((h) => this.hub.subscribe(h.info.wireName, ref)),
      );
    }
    return ref;
  }

  /**
   * A restart: builds a fresh instance of `ref`'s class from the injector (new `Timers`, same
   * name) and makes it the one `ref` runs. The old instance's timers must be cancelled first.
   * @returns the new instance
   * @throws Error "Cannot create actor ..." when construction fails (`ref` keeps the old instance)
   */
  rebuild(ref: LocalActorRef): object {
    if (this.byName.get(ref.name) !== ref)
      throw new Error(`Cannot restart actor '${ref.name}': it is no longer part of the app`);
    const { instance, timers } = this.construct(ref.actorClass as Type, ref.name, ref.injector);
    ref.incarnate(instance, timers);
    return instance;
  }

  /** Forgets an actor (a spawned one whose start failed, or one that stopped for good). */
  remove(ref: LocalActorRef): void {
    ref.parentRef?.removeChild(ref);
    if (this.byName.get(ref.name) === ref) this.byName.delete(ref.name);
    if (this.byClass.get(ref.actorClass) === ref) {
      this.byClass.delete(ref.actorClass);
      const another = [...this.byName.values()].find((other) => other.actorClass === ref.actorClass);
      if (another) this.byClass.set(ref.actorClass, another);
    }
    for (const unsubscribe of this.unsubscribes.get(ref) ?? []) unsubscribe();
    this.unsubscribes.delete(ref);
  }

  /** The actor registered under `name`. */
  byNameOf(name: string): LocalActorRef | undefined {
    return this.byName.get(name);
  }

  /** The first actor built from `type` (the module's singleton, when it has one). */
  byClassOf(type: Function): LocalActorRef | undefined {
    return this.byClass.get(type);
  }

  /** All actors, in creation order. */
  all(): LocalActorRef[] {
    return [...this.byName.values()];
  }

  /** Every mailbox stops accepting (`SHUTTING_DOWN`); queued and running work continues. */
  drainAll(): void {
    for (const ref of this.byName.values()) ref.drain();
  }

  /** Resolves when no actor has queued, running or streaming work. */
  async whenIdle(): Promise<void> {
    await Promise.all(this.all().map((ref) => ref.whenIdle()));
  }

  /** Closes every mailbox; leftover streams and queued messages end with `reason`. */
  stopAll(reason: unknown): void {
    for (const ref of this.byName.values()) ref.stop(reason);
  }

  /** Cancels every actor's timers (the app is closing). */
  cancelTimers(): void {
    for (const ref of this.byName.values()) ref.cancelTimers();
  }

  /**
   * Builds an instance. Its own `Broker` and `Timers` are bound in a child injector only when its
   * constructor takes them; otherwise it is built from the app's injector and its `Timers` are
   * made on first use (a child injector and a `Timers` per actor would cost every one of a
   * million spawned actors hundreds of bytes for nothing).
   * @param plan the actor's plan, the first time its class is built (else its class plan is known)
   */
  private construct(type: Type, name: string, injector: Injector, plan?: ActorPlan): Construction {
    try {
      const classPlan = this.classPlanOf(type, plan);
      const { tokens, takesBroker, takesTimers } = classPlan;
      const timers = takesTimers ? this.timersFor(`actor '${name}'`) : undefined;
      let scope = injector;
      if (takesBroker || timers) {
        scope = injector.createChild();
        if (takesBroker) scope.provideValue(Broker, this.broker.forActor(name));
        if (timers) scope.provideValue(Timers, timers);
      }
      const instance = tokens.length === 0 ? new type() : new type(...tokens.map((token) => scope.resolve(token)));
      return { classPlan, instance: instance as object, timers };
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      throw new Error(`Cannot create actor '${name}' (${type.name}): ${text}`, { cause: err });
    }
  }

  /** What the actors of `type` share, worked out on its first construction (from `plan`). */
  private classPlanOf(type: Function, plan?: ActorPlan): ClassPlan {
    const known = this.classPlans.get(type);
    if (known) return known;
    if (!plan) throw new Error(`${type.name} was never built by this app`);
    const tokens = constructorTokensOf(type);
    const { mailboxCapacity, supervision } = plan.options;
    const classPlan: ClassPlan = {
      kind: {
        actorClass: type,
        handlers: plan.handlers,
        mailboxCapacity,
        ...(supervision && { supervision }),
        logger: this.logger,
        supervisor: this.supervisor,
        timersFor: this.timersFor,
        instrumentation: this.instrumentation,
      },
      subscribing: plan.handlers.filter((handler) => handler.info.subscribe),
      tokens,
      takesBroker: tokens.includes(Broker),
      takesTimers: tokens.includes(Timers),
    };
    this.classPlans.set(type, classPlan);
    return classPlan;
  }
}

/** A built instance, with its class plan and its own `Timers` (when its constructor took them). */
interface Construction {
  readonly classPlan: ClassPlan;
  readonly instance: object;
  readonly timers: Timers | undefined;
}
