import { ActorRef } from '../../core/runtime/actor-ref';

/**
 * The names IPC clients can address (docs/protocol.md §2.2: `target` is matched exactly against
 * exposed names only). One actor may be exposed under several names.
 */
export class ExposedActors {
  private readonly byName = new Map<string, ActorRef>();

  /**
   * Serves `ref` under `name`.
   * @throws Error naming both actors when the name is already exposed
   */
  expose(name: string, ref: ActorRef): void {
    if (typeof name !== 'string' || name === '')
      throw new Error(
        `Cannot expose actor '${ref?.name}': the IPC name must be a non-empty string, got ${JSON.stringify(name)}`,
      );
    const holder = this.byName.get(name);
    if (holder) {
      throw new Error(
        `Cannot expose actor '${ref.name}' (${ref.actorClass.name}) as '${name}': that IPC name is already taken by actor '${holder.name}' (${holder.actorClass.name}); call hide('${name}') first or choose another name`,
      );
    }
    this.byName.set(name, ref);
  }

  /** Stops serving `name`; returns whether it was exposed. Requests already enqueued finish. */
  hide(name: string): boolean {
    return this.byName.delete(name);
  }

  /**
   * The actor exposed under exactly `name`; else, for `cart/u-42` where `cart` is an exposed
   * keyed actor, the ref of key `u-42`.
   * @throws ActorError `ACTOR_NOT_FOUND` when that key breaks the keyed actor's limits
   */
  get(name: string): ActorRef | undefined {
    const exact = this.byName.get(name);
    if (exact) return exact;
    const slash = name.indexOf('/');
    if (slash <= 0) return undefined;
    return this.byName.get(name.slice(0, slash))?.forKey?.(name.slice(slash + 1));
  }

  /** Every (name, actor) pair, in exposure order. */
  entries(): IterableIterator<[string, ActorRef]> {
    return this.byName.entries();
  }
}
