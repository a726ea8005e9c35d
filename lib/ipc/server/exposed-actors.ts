import { ActorRef } from '../../core/runtime/actor-ref';
import { SCANNED_KEYED_ACTORS, scanForPrefix } from '../../core/runtime/keyed/keyed-key';

/** An exposed keyed actor's name and ref (`needsKey()` was true when it was exposed). */
interface ExposedKeyed {
  readonly name: string;
  readonly ref: ActorRef;
}

/**
 * The names IPC clients can address (docs/protocol.md §2.2: `target` is matched exactly against
 * exposed names only). One actor may be exposed under several names.
 */
export class ExposedActors {
  private readonly byName = new Map<string, ActorRef>();
  /** The exposed keyed actors, in a list `keyedBefore` scans (an app has a few). */
  private readonly keyed: ExposedKeyed[] = [];

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
    if (ref.forKey && ref.needsKey?.() === true) this.keyed.push({ name, ref });
  }

  /** Stops serving `name`; returns whether it was exposed. Requests already enqueued finish. */
  hide(name: string): boolean {
    const index = this.keyed.findIndex((keyed) => keyed.name === name);
    if (index >= 0) this.keyed.splice(index, 1);
    return this.byName.delete(name);
  }

  /**
   * The actor exposed under exactly `name`; else, for `cart/u-42` where `cart` is an exposed
   * keyed actor, the ref of key `u-42`.
   * @throws ActorError `ACTOR_NOT_FOUND` when that key breaks the keyed actor's limits, or (in a
   *   cluster) when the name before the `/` is exposed but not keyed
   */
  get(name: string): ActorRef | undefined {
    const exact = this.byName.get(name);
    if (exact) return exact;
    const slash = name.indexOf('/');
    if (slash <= 0) return undefined;
    const keyed = this.keyedBefore(name, slash);
    if (keyed) return keyed.forKey!(name.slice(slash + 1));
    // Not a keyed actor exposed here (or more than SCANNED_KEYED_ACTORS of them): its ref, if any, says why.
    return this.byName.get(name.slice(0, slash))?.forKey?.(name.slice(slash + 1));
  }

  /** Every (name, actor) pair, in exposure order. */
  entries(): IterableIterator<[string, ActorRef]> {
    return this.byName.entries();
  }

  /**
   * The exposed keyed actor named `name`'s first `length` characters. Every call to a key comes
   * through here: the few keyed actors are compared in place, which saves cutting the name out
   * (and hashing that new string) per call. Nothing is kept per target, so memory stays bounded
   * however many keys clients address.
   */
  private keyedBefore(name: string, length: number): ActorRef | undefined {
    if (this.keyed.length > SCANNED_KEYED_ACTORS) return undefined;
    return scanForPrefix(this.keyed, name, length)?.ref;
  }
}
