import { ResolvedHandler } from '../metadata/handler-metadata';
import { HandlerInfo } from './actor-ref';

/** A handler with the function that runs it (called with the actor instance as `this`). */
export interface BoundHandler {
  readonly info: HandlerInfo;
  readonly fn: Function;
}

/**
 * An actor class's handlers by wire name, with their functions. One table is shared by every
 * instance of the class (a million spawned actors hold one table, not a million maps); an
 * instance whose handler methods are not its class's (assigned in the constructor) gets its own.
 */
export class HandlerTable {
  /** Per class (keyed by its resolved handler list); `null` when its prototype lacks a handler method. */
  private static readonly shared = new WeakMap<readonly ResolvedHandler[], HandlerTable | null>();

  /** Every handler, in declaration order. */
  readonly infos: readonly HandlerInfo[];

  private constructor(private readonly byWireName: ReadonlyMap<string, BoundHandler>) {
    this.infos = [...byWireName.values()].map((handler) => handler.info);
  }

  /**
   * The table for `instance`: the class's shared one when the instance's handler methods are the
   * prototype's, else one of its own.
   * @throws Error "<Class>.<method> is declared as a handler but is not a method"
   */
  static of(actorClass: Function, instance: object, handlers: readonly ResolvedHandler[]): HandlerTable {
    let table = HandlerTable.shared.get(handlers);
    if (table === undefined) {
      const prototype = actorClass.prototype as Record<string, unknown>;
      const bindable = handlers.every(({ info }) => typeof prototype[info.method] === 'function');
      table = bindable ? HandlerTable.bind(actorClass, prototype, handlers) : null;
      HandlerTable.shared.set(handlers, table);
    }
    return table?.fits(instance) ? table : HandlerTable.bind(actorClass, instance, handlers);
  }

  private static bind(actorClass: Function, holder: object, handlers: readonly ResolvedHandler[]): HandlerTable {
    const byWireName = new Map<string, BoundHandler>();
    for (const { info } of handlers) {
      const fn = (holder as Record<string, unknown>)[info.method];
      if (typeof fn !== 'function')
        throw new Error(`${actorClass.name}.${info.method} is declared as a handler but is not a method`);
      byWireName.set(info.wireName, { info, fn });
    }
    return new HandlerTable(byWireName);
  }

  /** The handler of a wire name. */
  get(wireName: string): BoundHandler | undefined {
    return this.byWireName.get(wireName);
  }

  private fits(instance: object): boolean {
    for (const handler of this.byWireName.values()) {
      if ((instance as Record<string, unknown>)[handler.info.method] !== handler.fn) return false;
    }
    return true;
  }
}
