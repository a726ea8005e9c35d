import { constructorTokensOf } from '../metadata/injection-metadata';
import { ActorPlan } from './actor-plan';
import { BroadcastHub } from './broadcast-hub';
import { Broker } from './broker';
import { Injector } from './injector';
import { Instrumentation } from './instrumentation';
import { ActorSupervisor, LocalActorRef } from './local-actor-ref';
import { Logger } from './logger';
import { Type } from './provider';
import { Timers } from './timers';

/** Builds the `Timers` of one actor instance, labelled with its name. */
export type TimersFactory = (owner: string) => Timers;

/**
 * The running actors of one app: builds instances (each in its own child injector whose
 * `Broker` is bound to the actor's name, docs/protocol.md §0 D5, and whose `Timers` are the
 * instance's own), rebuilds them for restarts, finds them by name or class, and drives them
 * through shutdown.
 */
export class ActorSystem {
  private readonly byName = new Map<string, LocalActorRef>();
  private readonly byClass = new Map<Function, LocalActorRef>();
  private readonly unsubscribes = new Map<LocalActorRef, (() => void)[]>();
  /**
   * The injector each actor is rebuilt from on a restart (its class and name are the ref's). Only
   * the injector is kept: keeping each spawn's plan would hold a copy of its options per actor.
   */
  private readonly incarnations = new Map<LocalActorRef, Injector>();
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
    const { instance, timers } = this.construct(plan.type, name, injector);
    const { handlers, options } = plan;
    const ref = new LocalActorRef(
      plan.type,
      instance,
      timers,
      handlers,
      options,
      this.logger,
      this.supervisor,
      this.timersFor,
      parent,
      this.instrumentation,
    );
    this.byName.set(name, ref);
    this.incarnations.set(ref, injector);
    parent?.childRefs.push(ref);
    if (!this.byClass.has(plan.type)) this.byClass.set(plan.type, ref);
    const subscribing = plan.handlers.filter((h) => h.info.subscribe);
    if (subscribing.length > 0) {
      this.unsubscribes.set(
        ref,
        subscribing.map((h) => this.hub.subscribe(h.info.wireName, ref)),
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
    const injector = this.incarnations.get(ref);
    if (!injector) throw new Error(`Cannot restart actor '${ref.name}': it is no longer part of the app`);
    const { instance, timers } = this.construct(ref.actorClass as Type, ref.name, injector);
    ref.incarnate(instance, timers);
    return instance;
  }

  /** Forgets an actor (a spawned one whose start failed, or one that stopped for good). */
  remove(ref: LocalActorRef): void {
    this.incarnations.delete(ref);
    const siblings = ref.parentRef?.childRefs;
    if (siblings?.includes(ref)) siblings.splice(siblings.indexOf(ref), 1);
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
   */
  private construct(type: Type, name: string, injector: Injector): { instance: object; timers: Timers | undefined } {
    try {
      const tokens = constructorTokensOf(type);
      const takesBroker = tokens.includes(Broker);
      const timers = tokens.includes(Timers) ? this.timersFor(`actor '${name}'`) : undefined;
      if (!takesBroker && !timers) return { instance: injector.construct(type) as object, timers };
      const scope = injector.createChild();
      if (takesBroker) scope.provideValue(Broker, this.broker.forActor(name));
      if (timers) scope.provideValue(Timers, timers);
      return { instance: scope.construct(type) as object, timers };
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      throw new Error(`Cannot create actor '${name}' (${type.name}): ${text}`, { cause: err });
    }
  }
}
