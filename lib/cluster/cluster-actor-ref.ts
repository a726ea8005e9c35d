import { ActorRef, HandlerInfo } from '../core/runtime/actor-ref';
import { Delivery } from '../core/runtime/delivery';

/** Stands for an actor that runs on another node (discovery reports this class). */
export class RemoteActor {}

/** How a `ClusterActorRef` finds its handlers and sends its deliveries. */
export interface ClusterRouting {
  /** The handlers of `name`: the local instance's, else as another node announced them. */
  handlersOf(name: string): readonly HandlerInfo[];
  /** The class of the local instance, if this node has one. */
  localClassOf(name: string): Function | undefined;
  /** Delivers to whichever instance serves `name` now (local owner, or over NATS). */
  deliver(name: string, delivery: Delivery): void;
  /** Whether `name` is served by another process now (its payloads are validated there). */
  servedElsewhere(name: string): boolean;
  /** A fire-and-forget to `name`, acknowledged by the mailbox that took it (see `ActorRef.deliverAcknowledged`). */
  deliverAcknowledged(name: string, delivery: Delivery): void | Promise<void>;
  /** The ref of key `key` of keyed actor `name`. @throws ActorError `ACTOR_NOT_FOUND` when it is not keyed */
  keyRef(name: string, key: string): ActorRef;
  /** Whether `name` is the bare name of a keyed actor (declared here or announced by another node). */
  isKeyed(name: string): boolean;
}

/**
 * The cluster-wide address of one actor name: what `app.ask(name)` resolves to and what the IPC
 * listener exposes for cluster actors, whether the instance serving it runs here or elsewhere.
 * It holds no state of its own; every delivery is routed at the moment it is made.
 */
export class ClusterActorRef implements ActorRef {
  readonly id: string;

  constructor(
    readonly name: string,
    private readonly routing: ClusterRouting,
  ) {
    this.id = `cluster:${name}`;
  }

  get actorClass(): Function {
    return this.routing.localClassOf(this.name) ?? RemoteActor;
  }

  handlerFor(wireName: string): HandlerInfo | undefined {
    return this.handlers().find((handler) => handler.wireName === wireName);
  }

  handlers(): readonly HandlerInfo[] {
    return this.routing.handlersOf(this.name);
  }

  deliver(delivery: Delivery): void {
    this.routing.deliver(this.name, delivery);
  }

  /** True while another node serves it: the IPC listener forwards payloads for the owner to validate. */
  validatedElsewhere(): boolean {
    return this.routing.servedElsewhere(this.name);
  }

  /** A fire-and-forget acknowledged by the owner's mailbox, wherever it is. */
  deliverAcknowledged(delivery: Delivery): void | Promise<void> {
    return this.routing.deliverAcknowledged(this.name, delivery);
  }

  /** True for a keyed actor's bare name (`cart`): callers address one key (`cart/<key>`). */
  needsKey(): boolean {
    return this.routing.isKeyed(this.name);
  }

  /** The ref of one key, when this name is a keyed actor. */
  forKey(key: string): ActorRef {
    return this.routing.keyRef(this.name, key);
  }
}
