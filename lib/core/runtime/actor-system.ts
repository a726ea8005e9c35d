import { constructorTokensOf } from '../metadata/injection-metadata';
import { ActorPlan } from './actor-plan';
import { BroadcastHub } from './broadcast-hub';
import { Broker } from './broker';
import { Injector } from './injector';
import { LocalActorRef } from './local-actor-ref';
import { Logger } from './logger';

/**
 * The running actors of one app: builds instances (each in its own child injector whose
 * `Broker` is bound to the actor's name, PROTOCOL.md §0 D5), finds them by name or class, and
 * drives them through shutdown.
 */
export class ActorSystem {
  private readonly byName = new Map<string, LocalActorRef>();
  private readonly byClass = new Map<Function, LocalActorRef>();
  private readonly unsubscribes = new Map<LocalActorRef, (() => void)[]>();

  constructor(
    private readonly hub: BroadcastHub,
    private readonly broker: Broker,
    private readonly logger: Logger,
  ) {}

  /**
   * Builds and registers an actor instance named `plan.options.name`.
   * @throws Error when the name is taken, or "Cannot create actor '<name>' (<Class>): <why>"
   *   when its construction (or a dependency's) fails
   */
  create(plan: ActorPlan, injector: Injector): LocalActorRef {
    const { name } = plan.options;
    const holder = this.byName.get(name);
    if (holder) {
      throw new Error(`Actor name '${name}' is already taken by ${holder.actorClass.name}; give ${plan.type.name} another name`);
    }
    let instance: object;
    try {
      instance = this.scopeFor(plan, injector).construct(plan.type) as object;
    } catch (err) {
      throw new Error(`Cannot create actor '${name}' (${plan.type.name}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const ref = new LocalActorRef(plan.type, instance, plan.handlers, plan.options, this.logger);
    this.byName.set(name, ref);
    if (!this.byClass.has(plan.type)) this.byClass.set(plan.type, ref);
    const subscriptions = plan.handlers.filter((h) => h.info.subscribe).map((h) => this.hub.subscribe(h.info.wireName, ref));
    if (subscriptions.length > 0) this.unsubscribes.set(ref, subscriptions);
    return ref;
  }

  /**
   * The injector that builds the actor: a child whose `Broker` is bound to the actor's name when
   * its constructor takes a `Broker` (docs/protocol.md §0 D5), else the app's own (a child
   * injector per actor would cost every spawned actor hundreds of bytes for nothing).
   */
  private scopeFor(plan: ActorPlan, injector: Injector): Injector {
    if (!constructorTokensOf(plan.type).includes(Broker)) return injector;
    const scope = injector.createChild();
    scope.provideValue(Broker, this.broker.forActor(plan.options.name));
    return scope;
  }

  /** Forgets an actor (a spawned one whose start failed). */
  remove(ref: LocalActorRef): void {
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
}
