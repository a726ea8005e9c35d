import { ActorError } from '../../errors/actor-error';
import { ErrorCode } from '../../errors/error-code';

/** `cart/u-42` → `{ actor: 'cart', key: 'u-42' }` (split at the first `/`); `undefined` without one. */
export function splitKeyedName(name: string): { actor: string; key: string } | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0) return undefined;
  return { actor: name.slice(0, slash), key: name.slice(slash + 1) };
}

/**
 * Checks a key of keyed actor `actor`.
 * @throws ActorError `ACTOR_NOT_FOUND` naming the actor and the limit when the key is empty or
 *   longer than `maxKeyLength` characters
 */
export function checkKey(actor: string, key: string, maxKeyLength: number): void {
  if (key.length === 0) {
    throw new ActorError(
      ErrorCode.ACTOR_NOT_FOUND,
      `Keyed actor '${actor}' needs a key: address it as '${actor}/<key>'`,
    );
  }
  if (key.length > maxKeyLength) {
    throw new ActorError(
      ErrorCode.ACTOR_NOT_FOUND,
      `Key of keyed actor '${actor}' is ${key.length} characters long; the limit is ${maxKeyLength} ` +
        `(@Actor({ maxKeyLength })): use a shorter key, e.g. a hash of it`,
    );
  }
}
