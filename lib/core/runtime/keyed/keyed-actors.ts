import { ActorRef } from '../actor-ref';
import { KeyedActorType } from './keyed-actor-type';
import { SCANNED_KEYED_ACTORS, scanForPrefix } from './keyed-key';

/** The keyed actor types of one app, by name; resolves `name/key` addresses. */
export class KeyedActors {
  private readonly byName = new Map<string, KeyedActorType>();
  /** The same types in a list, scanned by `typeBefore` (an app has a few). */
  private readonly types: KeyedActorType[] = [];

  /** Registers a type under its name. */
  add(type: KeyedActorType): void {
    this.byName.set(type.name, type);
    this.types.push(type);
  }

  /** The keyed actor type named `name`. */
  byNameOf(name: string): KeyedActorType | undefined {
    return this.byName.get(name);
  }

  /**
   * The ref of `cart/u-42` when `cart` is a keyed actor here (for a bare `cart`, the type,
   * which refuses messages naming the `cart/<key>` form); `undefined` otherwise.
   * @throws ActorError `ACTOR_NOT_FOUND` when the key breaks the actor's limits
   */
  resolve(name: string): ActorRef | undefined {
    const slash = name.indexOf('/');
    if (slash <= 0) return this.byName.get(name);
    return this.typeBefore(name, slash)?.forKey(name.slice(slash + 1));
  }

  /** Every keyed actor type. */
  all(): KeyedActorType[] {
    return [...this.types];
  }

  /** Stops accepting messages. */
  drainAll(): void {
    for (const type of this.types) type.drain();
  }

  /** Resolves when no activation has work. */
  async whenIdle(): Promise<void> {
    await Promise.all(this.types.map((type) => type.whenIdle()));
  }

  /** Passivates every activation (their state is saved). */
  async passivateAll(reason: unknown): Promise<void> {
    await Promise.all(this.types.map((type) => type.passivateAll(reason)));
  }

  /**
   * The type named `name`'s first `length` characters. Every first call to a key comes through
   * here: a few types are compared in place, which saves cutting out (and hashing) a new
   * string per call.
   */
  private typeBefore(name: string, length: number): KeyedActorType | undefined {
    if (this.types.length > SCANNED_KEYED_ACTORS) return this.byName.get(name.slice(0, length));
    return scanForPrefix(this.types, name, length);
  }
}
