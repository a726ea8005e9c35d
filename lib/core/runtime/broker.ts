import { Observable } from './rxjs-subset';
import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { MessageRegistry } from '../metadata/message-registry';
import { BroadcastHub, BroadcastListener } from './broadcast-hub';

/**
 * Publishes messages to everyone interested (injectable into actors and providers).
 *
 * `broadcast(msg)` reaches the in-process `@OnMessage({ subscribe: true })` handlers of the
 * message's type, `messages(Type)` observers, and IPC clients subscribed to its wire name.
 * Each actor is injected its own `Broker`, bound to its name, so its broadcasts carry
 * `source_actor` to IPC subscribers (docs/protocol.md §0 D5).
 */
export class Broker {
  /** @internal built by the app; inject `Broker` instead of constructing one */
  constructor(
    private readonly hub: BroadcastHub,
    private readonly registry: MessageRegistry,
    /** Name of the actor this view belongs to, if any. */
    readonly sourceActor?: string,
  ) {}

  /**
   * Broadcasts an instance of a `@Message` class. Never waits and never fails because of a
   * receiver: a subscriber whose mailbox is full misses this one (logged).
   * @throws ActorError `UNKNOWN_MESSAGE_TYPE` naming the class when it is not a registered `@Message` class
   */
  broadcast(message: object): void {
    this.hub.publish(message, this.sourceActor);
  }

  /**
   * Every broadcast of `type` from now on, for code that is not an actor. Hot: nothing is
   * replayed; unsubscribe to stop. Given a string, every broadcast whose wire name is that name,
   * or, for a pattern ending in its only `*` (`'Order*'`; `'*'` for all), starts with the prefix
   * (the rule of IPC pattern subscriptions, docs/protocol.md §11.1).
   * @throws ActorError `UNKNOWN_MESSAGE_TYPE` naming the class when it is not a `@Message` class
   * @throws TypeError for a string with a `*` anywhere but at its end
   */
  messages<T extends object>(type: new (...args: any[]) => T): Observable<T>;
  messages(wireNameOrPattern: string): Observable<object>;
  messages<T extends object>(type: (new (...args: any[]) => T) | string): Observable<T> {
    if (typeof type === 'string') return this.messagesNamed(type) as Observable<T>;
    const definition = this.registry.byType(type);
    if (!definition) {
      throw new ActorError(
        ErrorCode.UNKNOWN_MESSAGE_TYPE,
        `Cannot observe broadcasts: ${this.registry.unregisteredReason(type)}`,
      );
    }
    return new Observable<T>((subscriber) =>
      this.hub.observe(definition.name, (message) => subscriber.next(message as T)),
    );
  }

  private messagesNamed(name: string): Observable<object> {
    const star = name.indexOf('*');
    if (star >= 0 && star !== name.length - 1) {
      throw new TypeError(
        `messages('${name}'): a pattern is a prefix followed by exactly one terminal '*', e.g. 'Order*'`,
      );
    }
    return new Observable<object>((subscriber) => {
      const next = (message: object): void => subscriber.next(message);
      return star < 0 ? this.hub.observe(name, next) : this.hub.observePrefix(name.slice(0, -1), next);
    });
  }

  /**
   * Registers an outbound listener (the IPC subscription manager), called synchronously after
   * the in-process receivers for every broadcast. Returns the function that removes it.
   */
  addBroadcastListener(listener: BroadcastListener): () => void {
    return this.hub.addListener(listener);
  }

  /** @internal a view of the same bus whose broadcasts are attributed to `actorName` */
  forActor(actorName: string): Broker {
    return new Broker(this.hub, this.registry, actorName);
  }
}
