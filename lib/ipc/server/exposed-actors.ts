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
    if (typeof name !== 'string' || name === '') throw new Error(`Cannot expose actor '${ref?.name}': the IPC name must be a non-empty string, got ${JSON.stringify(name)}`);
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

  /** The actor exposed under exactly `name`. */
  get(name: string): ActorRef | undefined {
    return this.byName.get(name);
  }

  /** Every (name, actor) pair, in exposure order. */
  entries(): IterableIterator<[string, ActorRef]> {
    return this.byName.entries();
  }
}
