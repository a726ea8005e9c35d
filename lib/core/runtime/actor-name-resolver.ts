import { ActorRef } from './actor-ref';

/**
 * Consulted by `ActonApp` before its own actors when a message is sent by name, so an
 * extension (the cluster) can route a name to an actor served elsewhere, or away from a local
 * instance that is only standing by. Returns `undefined` to let the app use its local actor.
 */
export type ActorNameResolver = (name: string) => ActorRef | undefined;
