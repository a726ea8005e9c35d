import { Delivery } from './delivery';

/** How a handler answers, as advertised by discovery (docs/protocol.md §0 D7). */
export type HandlerKind = 'request' | 'stream' | 'fire-and-forget';

/** What one `@OnMessage` handler of an actor accepts. */
export interface HandlerInfo {
  /** Registered wire name of the message class. */
  readonly wireName: string;
  /** Method name on the actor class. */
  readonly method: string;
  /** Callable from other processes (`@OnMessage({ ipc: true })`). */
  readonly ipc: boolean;
  readonly readonly: boolean;
  readonly subscribe: boolean;
  /**
   * Best static guess at the reply shape: `stream` when the method's declared return type is
   * an Observable / AsyncIterable, `fire-and-forget` when it is `void` and the message class
   * has no `reply`, otherwise `request`. Advisory only; the runtime follows what is returned.
   */
  readonly kind: HandlerKind;
}

/**
 * A handle on one running actor instance. Obtained from the actor system; the IPC layer
 * exposes refs under names.
 */
export interface ActorRef {
  /** The name the actor was registered (or spawned) under. */
  readonly name: string;
  /** Opaque, unique id of this instance, reported as `ern` by discovery. */
  readonly id: string;
  /** The actor's class. */
  readonly actorClass: Function;
  /** Full name of the supervising parent, for a child actor (discovery's optional `parent`). */
  readonly parent?: string;
  /** Handlers by wire name. */
  handlerFor(wireName: string): HandlerInfo | undefined;
  /** All handlers of the actor. */
  handlers(): readonly HandlerInfo[];
  /**
   * Enqueue without waiting. Throws `ActorError` with code `TARGET_BUSY` when the mailbox is
   * full and `IO_ERROR` ("Recipient channel is closed") when the actor has stopped.
   * Replies (if any) go to `delivery.sink`; a handler's failure goes to `sink.error`.
   * @param atOnce the caller is at the top of an I/O callback (the IPC read path), with nothing
   *   of the actor's on its stack: an actor with nothing queued or running (and no other
   *   mailbox waiting for the turn's dispatch) may start the handler now, on this stack, instead
   *   of from a microtask. Refs that cannot ignore it.
   */
  deliver(delivery: Delivery, atOnce?: boolean): void;
  /**
   * Optional: true while the actor runs in another process that validates payloads itself (a
   * cluster actor served by another node). The IPC listener then checks only what it can know
   * here (the name, the handler and its `ipc` flag) and forwards the payload undecoded, as a
   * `WirePayload`: it is validated once, by the owner.
   */
  validatedElsewhere?(): boolean;
  /**
   * Optional: a fire-and-forget that is acknowledged when it reached the actor's mailbox, also
   * when that is in another process (docs/protocol.md §3.2). Returns nothing when it was enqueued
   * here and now (throws like `deliver` when refused), or a Promise that resolves once the
   * owner's mailbox accepted the message and rejects with the typed `ActorError` otherwise.
   */
  deliverAcknowledged?(delivery: Delivery): void | Promise<void>;
  /**
   * Present on keyed actors (`@Actor({ cluster: 'keyed' })`): the ref of one key, so
   * `cart/u-42` reaches key `u-42` of the actor named `cart`.
   * @throws ActorError `ACTOR_NOT_FOUND` naming the limit when the key is empty or too long
   */
  forKey?(key: string): ActorRef;
  /**
   * Optional: true for the bare name of a keyed actor (`cart`), which takes no message itself;
   * callers address one of its keys (`cart/<key>`). Such a target is answered `ACTOR_NOT_FOUND`
   * with `ErrorMessages.keyedActorWithoutKey` before its message type is looked at
   * (docs/protocol.md §3.1 step 6).
   */
  needsKey?(): boolean;
}

/**
 * Consulted by `ActonApp` before its own actors when a message is sent by name, so an
 * extension (the cluster) can route a name to an actor served elsewhere, or away from a local
 * instance that is only standing by. Returns `undefined` to let the app use its local actor.
 */
export type ActorNameResolver = (name: string) => ActorRef | undefined;
