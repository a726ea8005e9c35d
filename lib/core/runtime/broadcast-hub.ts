import { ActorError, isActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { MessageRegistry } from '../metadata/message-registry';
import { ActorRef } from './actor-ref';
import { Delivery } from './delivery';
import { Logger } from './logger';
import { LOCAL_PEER } from './message-context';

/**
 * Receives every `Broker.broadcast` after the in-process `subscribe: true` handlers were
 * served. The IPC subscription manager registers one to turn broadcasts into push
 * notifications (docs/protocol.md §6). Must not throw and must not block: it is called
 * synchronously on the broadcaster's stack.
 */
export type BroadcastListener = (event: BroadcastEvent) => void;

/** One broadcast, as seen by outbound listeners. */
export interface BroadcastEvent {
  /** Registered wire name of the message's class. */
  readonly wireName: string;
  /** The message instance as broadcast. */
  readonly message: object;
  /** Exposed name of the actor that broadcast it, when an actor did (docs/protocol.md §0 D5). */
  readonly sourceActor?: string;
}

/**
 * The app's one broadcast bus behind every `Broker` view. A broadcast goes, in this order, to
 * the in-process `subscribe: true` handlers of its type (fire-and-forget deliveries into their
 * mailboxes), to `messages(Type)` observers, then to outbound listeners such as the IPC
 * subscription manager (docs/protocol.md §6: "after in-process subscribers are served").
 * Nothing a receiver does can make `publish` throw.
 */
export class BroadcastHub {
  private readonly subscribers = new Map<string, ActorRef[]>();
  private readonly observers = new Map<string, ((message: object) => void)[]>();
  private prefixObservers: { readonly prefix: string; readonly observer: (message: object) => void }[] = [];
  private listeners: BroadcastListener[] = [];
  private sequence = 0;

  constructor(
    private readonly registry: MessageRegistry,
    private readonly logger: Logger,
  ) {}

  /** Delivers broadcasts of `wireName` to `ref` (its `subscribe: true` handler). Returns the undo. */
  subscribe(wireName: string, ref: ActorRef): () => void {
    return addTo(this.subscribers, wireName, ref);
  }

  /** Calls `observer` with each broadcast of `wireName`. Returns the undo. */
  observe(wireName: string, observer: (message: object) => void): () => void {
    return addTo(this.observers, wireName, observer);
  }

  /** Calls `observer` with each broadcast whose wire name starts with `prefix`. Returns the undo. */
  observePrefix(prefix: string, observer: (message: object) => void): () => void {
    const entry = { prefix, observer };
    this.prefixObservers = [...this.prefixObservers, entry];
    return () => {
      this.prefixObservers = this.prefixObservers.filter((e) => e !== entry);
    };
  }

  /** Adds an outbound listener, called after in-process receivers. Returns the undo. */
  addListener(listener: BroadcastListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Broadcasts `message` (see the class comment).
   * @param sourceActor name of the broadcasting actor, reported to listeners (docs/protocol.md §0 D5)
   * @throws ActorError `UNKNOWN_MESSAGE_TYPE` naming the class when it is not a registered `@Message` class
   */
  publish(message: object, sourceActor?: string): void {
    const definition =
      message === null || typeof message !== 'object' ? undefined : this.registry.definitionOf(message);
    if (!definition) {
      const type = message === null || typeof message !== 'object' ? Object : message.constructor;
      throw new ActorError(
        ErrorCode.UNKNOWN_MESSAGE_TYPE,
        `Cannot broadcast: ${this.registry.unregisteredReason(type)}`,
      );
    }
    const wireName = definition.name;
    this.toSubscribers(wireName, message);
    for (const observer of this.observers.get(wireName) ?? [])
      this.safely(() => observer(message), `a messages(${wireName}) observer`);
    for (const { prefix, observer } of this.prefixObservers) {
      if (wireName.startsWith(prefix)) this.safely(() => observer(message), `a messages('${prefix}*') observer`);
    }
    if (this.listeners.length === 0) return;
    const event: BroadcastEvent =
      sourceActor === undefined ? { wireName, message } : { wireName, message, sourceActor };
    for (const listener of this.listeners) this.safely(() => listener(event), 'a broadcast listener');
  }

  private toSubscribers(wireName: string, message: object): void {
    const refs = this.subscribers.get(wireName);
    if (!refs) return;
    const delivery: Delivery = { message, wireName, correlationId: `broadcast-${++this.sequence}`, peer: LOCAL_PEER };
    for (const ref of refs) {
      try {
        ref.deliver(delivery);
      } catch (err) {
        this.dropped(ref, wireName, err);
      }
    }
  }

  private dropped(ref: ActorRef, wireName: string, err: unknown): void {
    const why = err instanceof Error ? err.message : String(err);
    const quiet = isActorError(err) && (err.code === ErrorCode.SHUTTING_DOWN || err.code === ErrorCode.IO_ERROR);
    const text = `Broadcast ${wireName} dropped for subscriber '${ref.name}': ${why}`;
    if (quiet) this.logger.debug(text);
    else
      this.logger.warn(
        `${text} (the subscriber is not keeping up; raise its mailboxCapacity or make its handler faster)`,
      );
  }

  private safely(call: () => void, who: string): void {
    try {
      call();
    } catch (err) {
      this.logger.error(`${who} threw while receiving a broadcast; it was skipped`, err);
    }
  }
}

function addTo<T>(map: Map<string, T[]>, key: string, item: T): () => void {
  map.set(key, [...(map.get(key) ?? []), item]);
  return () => {
    const remaining = (map.get(key) ?? []).filter((existing) => existing !== item);
    if (remaining.length > 0) map.set(key, remaining);
    else map.delete(key);
  };
}
