import { declareHandler, OnMessageOptions } from '../metadata/handler-metadata';

/**
 * Makes a method of an `@Actor` the handler of one message class: the type of its first
 * parameter, or `options.type`. The second parameter, when declared, is the `MessageContext`.
 *
 * - default: mutating (exclusive), one at a time per actor in arrival order; a returned Promise
 *   holds the actor until it settles;
 * - `readonly: true`: runs concurrently with other readonly handlers, never during a mutating one;
 * - `ipc: true`: callable from other processes (otherwise in-process only);
 * - `subscribe: true`: also receives every `Broker.broadcast` of the message type.
 *
 * The return value is the reply: a value (or Promise of one) → one reply; an Observable or
 * AsyncIterable → a stream, drained outside the actor's lock; `undefined` → no reply.
 * A message class that cannot be resolved makes `bootstrap` fail naming class and method.
 */
export function OnMessage(options: OnMessageOptions = {}): MethodDecorator {
  return (target, propertyKey) => {
    if (typeof propertyKey !== 'string') {
      throw new Error(
        `@OnMessage on ${target.constructor.name}: handler methods must have string names (got ${String(propertyKey)})`,
      );
    }
    declareHandler(target, { method: propertyKey, options: { ...options } });
  };
}
