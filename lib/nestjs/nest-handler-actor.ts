import type { MessageHandler } from '@nestjs/microservices';
import type { ActorRef, Delivery, HandlerInfo } from '../index';
import { ActonRoute } from './acton-pattern';

/** One Nest handler served under an actor name: its acton route and Nest's wrapped handler. */
export interface NestRoute {
  readonly route: ActonRoute;
  /** Nest's handler as registered on the transport (pipes, guards, interceptors, filters applied). */
  readonly handler: MessageHandler;
  /** Nest's route key of the pattern (what `getHandlerByPattern` looks up). */
  readonly patternKey: string;
}

/** Runs one delivery through Nest; implemented by `ActonTransport`. */
export interface NestDispatcher {
  /**
   * Same contract as `ActorRef.deliver`: throws `ActorError` (`TARGET_BUSY`, `SHUTTING_DOWN`)
   * instead of enqueueing.
   */
  dispatch(route: NestRoute, delivery: Delivery): void;
}

let nextId = 1;

/**
 * The Nest handlers that share one actor name, presented to the IPC listener as an actor
 * (`ActorRef`), so the listener routes, limits, counts and drains them like any actor
 * (docs/protocol.md §3.1). Unlike an acton actor it has no mailbox: Nest handlers run
 * concurrently, bounded by the transport's `maxInFlight`.
 */
export class NestHandlerActor implements ActorRef {
  /** Discovery's `ern`: `nest:<actor>#<n>`. */
  readonly id: string;
  readonly actorClass: Function = NestHandlerActor;
  private readonly byType = new Map<string, { readonly info: HandlerInfo; readonly nest: NestRoute }>();

  constructor(
    readonly name: string,
    private readonly dispatcher: NestDispatcher,
  ) {
    this.id = `nest:${name}#${nextId++}`;
  }

  /**
   * Adds a handler for `nest.route.type`; a second handler for the same type is ignored (Nest
   * itself keeps one `@MessagePattern` handler per pattern).
   */
  add(nest: NestRoute): void {
    if (this.byType.has(nest.route.type)) return;
    const event = nest.handler.isEventHandler === true;
    const kind = event ? 'fire-and-forget' : (nest.route.kind ?? 'request');
    const info: HandlerInfo = {
      wireName: nest.route.type,
      method: nest.patternKey,
      ipc: true,
      readonly: true,
      subscribe: event,
      kind,
    };
    this.byType.set(nest.route.type, { info, nest });
  }

  handlerFor(wireName: string): HandlerInfo | undefined {
    return this.byType.get(wireName)?.info;
  }

  handlers(): readonly HandlerInfo[] {
    return [...this.byType.values()].map((entry) => entry.info);
  }

  deliver(delivery: Delivery): void {
    const entry = this.byType.get(delivery.wireName);
    if (!entry) throw new Error(`Actor '${this.name}' has no Nest handler for message type '${delivery.wireName}'`);
    this.dispatcher.dispatch(entry.nest, delivery);
  }
}
