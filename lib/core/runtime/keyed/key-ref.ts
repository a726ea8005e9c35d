import { ActorRef, HandlerInfo } from '../actor-ref';
import { Delivery } from '../delivery';
import type { KeyedActorType } from './keyed-actor-type';

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
