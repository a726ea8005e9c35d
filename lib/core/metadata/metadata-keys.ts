import 'reflect-metadata';

/**
 * reflect-metadata keys under which the decorators store what they declare. Plain strings
 * (not symbols) so that classes decorated through a second copy of the library (e.g. compiled
 * `dist/` next to ts-node sources) are still understood.
 */
export const MetadataKeys = {
  MESSAGE: 'acton:message',
  ACTOR: 'acton:actor',
  HANDLERS: 'acton:handlers',
  MODULE: 'acton:module',
  INJECTABLE: 'acton:injectable',
  INJECT_TOKENS: 'acton:inject-tokens',
  /** Emitted by TypeScript (`emitDecoratorMetadata`). */
  PARAM_TYPES: 'design:paramtypes',
  RETURN_TYPE: 'design:returntype',
  PROPERTY_TYPE: 'design:type',
} as const;

/** One of the keys above. */
export type MetadataKey = (typeof MetadataKeys)[keyof typeof MetadataKeys];

/**
 * The value a decorator stored under `key` on exactly `target` (not inherited: a subclass
 * without its own decorator is not its parent's actor, module or message), or `undefined`.
 */
export function ownMetadata<T>(key: MetadataKey, target: object): T | undefined {
  return Reflect.getOwnMetadata(key, target) as T | undefined;
}

/**
 * What TypeScript emitted under a `design:*` key for `target` (or one of its members), looked up
 * along the prototype chain, or `undefined` when the class or member was not decorated.
 */
export function designMetadata<T>(key: MetadataKey, target: object, member?: string): T | undefined {
  return (member === undefined ? Reflect.getMetadata(key, target) : Reflect.getMetadata(key, target, member)) as
    T | undefined;
}
