import { ActorRef } from '../actor-ref';
import { KeyedActorType } from './keyed-actor-type';
import { splitKeyedName } from './keyed-key';

/** The keyed actor types of one app, by name; resolves `name/key` addresses. */
export class KeyedActors {
  private readonly byName = new Map<string, KeyedActorType>();

  /** Registers a type under its name. */
  add(type: KeyedActorType): void {
    this.byName.set(type.name, type);
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
    const parts = splitKeyedName(name);
    if (!parts) return this.byName.get(name);
    return this.byName.get(parts.actor)?.forKey(parts.key);
  }

  /** Every keyed actor type. */
  all(): KeyedActorType[] {
    return [...this.byName.values()];
  }

  /** Stops accepting messages. */
  drainAll(): void {
    for (const type of this.byName.values()) type.drain();
  }

  /** Resolves when no activation has work. */
  async whenIdle(): Promise<void> {
    await Promise.all(this.all().map((type) => type.whenIdle()));
  }

  /** Passivates every activation (their state is saved). */
  async passivateAll(reason: unknown): Promise<void> {
    await Promise.all(this.all().map((type) => type.passivateAll(reason)));
  }
}
