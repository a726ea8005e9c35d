import { ActorOptions, defineActor, resolveActorOptions } from '../metadata/actor-metadata';
import { markInjectable } from '../metadata/injection-metadata';

/**
 * Declares an actor: a class holding state, whose `@OnMessage` methods handle messages one at
 * a time (or concurrently, for `readonly` ones). Listed in a module's `actors`, it becomes one
 * singleton per app, built by the injector (constructor injection of providers, `Broker`,
 * `ActonApp`); `app.spawn()` makes more instances.
 *
 * Name: the given one, else the class name without a trailing `Actor`, in snake_case
 * (`PriceFeedActor` → `price_feed`). With `expose: true` (default) the IPC listener serves it
 * under that name. `mailboxCapacity` (default 1024) bounds queued messages; beyond it a delivery
 * fails at once with `TARGET_BUSY`.
 *
 * @throws Error at decoration when the name is empty or `mailboxCapacity` is not a positive integer
 */
export function Actor(nameOrOptions?: string | ActorOptions): ClassDecorator {
  return (target) => {
    const options = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : (nameOrOptions ?? {});
    defineActor(target, resolveActorOptions(target, options));
    markInjectable(target);
  };
}
