import { ActorError } from '../../errors/actor-error';
import { ErrorCode } from '../../errors/error-code';

/**
 * Up to this many keyed actors, the one a `cart/u-42` address names is found by comparing the
 * address's prefix in place (`scanForPrefix`); beyond it, by cutting the prefix out and looking it up.
 */
export const SCANNED_KEYED_ACTORS = 8;

/**
 * The item of `items` whose name is `address`'s first `length` characters, compared in place: no
 * string is cut out of the address (and hashed) per call. Meant for a few items
 * (`SCANNED_KEYED_ACTORS`).
 */
export function scanForPrefix<T extends { readonly name: string }>(
  items: readonly T[],
  address: string,
  length: number,
): T | undefined {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.name.length === length && address.startsWith(item.name)) return item;
  }
  return undefined;
}

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
