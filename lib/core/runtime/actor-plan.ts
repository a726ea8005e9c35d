import { actorOptionsOf, ResolvedActorOptions } from '../metadata/actor-metadata';
import { ResolvedHandler, resolveHandlers } from '../metadata/handler-metadata';
import { Type } from './provider';

/** What is needed to build one actor instance. */
export interface ActorPlan {
  readonly type: Type;
  readonly options: ResolvedActorOptions;
  readonly handlers: readonly ResolvedHandler[];
}

/**
 * Reads an actor class's `@Actor` options and resolves its handlers.
 * @param name overrides the declared name (spawned instances)
 * @throws Error naming the class when it has no `@Actor()` or a handler cannot be resolved
 */
export function planActor(type: Type, name?: string): ActorPlan {
  if (typeof type !== 'function') throw new Error(`Invalid actor ${String(type)}: use a class decorated with @Actor()`);
  const declared = declaredPlanOf(type);
  if (name !== undefined) checkActorName(type, name);
  return name === undefined || name === declared.options.name
    ? declared
    : { ...declared, options: { ...declared.options, name } };
}

/** @throws Error naming the class when `name` is not a non-empty string */
export function checkActorName(type: Type, name: unknown): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new Error(`Invalid actor name ${JSON.stringify(name)} for ${type.name}: use a non-empty string`);
}

/**
 * Each class's declared plan (its `@Actor` options and resolved handlers): worked out once, then
 * shared by every plan (and so every spawn) of the class.
 */
const declaredPlans = new WeakMap<Type, ActorPlan>();

function declaredPlanOf(type: Type): ActorPlan {
  let plan = declaredPlans.get(type);
  if (!plan) {
    const options = actorOptionsOf(type);
    if (!options)
      throw new Error(`${type.name} is used as an actor but has no @Actor() decorator; add @Actor() or @Actor('name')`);
    plan = { type, options, handlers: resolveHandlers(type) };
    declaredPlans.set(type, plan);
  }
  return plan;
}
