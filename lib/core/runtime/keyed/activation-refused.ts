import { ActorError, isActorError } from '../../errors/actor-error';
import { ErrorCode } from '../../errors/error-code';

/**
 * How every `ActivationRefused` message ends (and that of any other refusal before a handler ran,
 * e.g. a call that reached a node as it stopped serving the actor): what tells a caller, on any
 * node, that it may send the call again.
 */
export const DID_NOT_RUN = 'no handler ran, so the call can be sent again';

/**
 * The error of calls queued for a key whose activation could not start for a reason outside the
 * actor's code — its node could not claim the key in time (`TARGET_BUSY`: still held by another
 * node), or its saved state could not be read (`IO_ERROR`, e.g. the store timed out). No handler of
 * the key ran for these calls, so they are safe to send again: the cluster does so by itself until
 * the call's deadline (`isActivationRefused`); an in-process caller gets this typed error. A
 * failing `onActivate` / `onStart` of the actor itself stays an ordinary handler failure.
 */
export function activationRefused(code: ErrorCode, actor: string, key: string, why: string): ActorError {
  return new ActorError(code, `Keyed actor '${actor}/${key}' could not activate: ${why}; ${DID_NOT_RUN}`);
}

/** Whether `err` is an `activationRefused` error (also one that travelled from another node: by its text). */
export function isActivationRefused(err: unknown): boolean {
  return isActorError(err) && err.message.endsWith(DID_NOT_RUN);
}
