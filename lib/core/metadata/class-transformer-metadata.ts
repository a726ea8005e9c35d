import { TransformationType } from 'class-transformer';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { designMetadata, MetadataKeys } from './metadata-keys';

/**
 * What class-transformer's decorators (`@Type`, `@Expose`, `@Exclude`, `@Transform`) and
 * TypeScript's emitted `design:type` say about a message class's properties. Hides
 * class-transformer's metadata storage from the rest of the code.
 */

// class-transformer keeps its decorators' metadata in a storage it does not export from its
// index; its CommonJS build is the stable place to read it (its typings live under types/).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: MetadataStorage;
};

const BUILT_INS = new Set<unknown>([
  Object,
  Array,
  String,
  Number,
  Boolean,
  Date,
  Map,
  Set,
  Promise,
  Function,
  Symbol,
  BigInt,
]);

/**
 * True when `plainToInstance(type, plain)` could do more than `Object.assign(new type(), plain)`
 * for these properties: the class or a property carries `@Expose`, `@Exclude`, `@Type` or a
 * plain-to-class `@Transform`.
 */
export function hasTransformMetadata(type: Function, properties: readonly string[]): boolean {
  const storage = defaultMetadataStorage;
  if (storage.getStrategy(type) !== 'none') return true;
  if (storage.getExposedMetadatas(type).length > 0 || storage.getExcludedMetadatas(type).length > 0) return true;
  return properties.some(
    (property) =>
      storage.findTypeMetadata(type, property) !== undefined ||
      storage.findTransformMetadatas(type, property, TransformationType.PLAIN_TO_CLASS).length > 0,
  );
}

/**
 * The class of a nested property: the one named with class-transformer's `@Type(() => X)`,
 * else the property's emitted `design:type` when that is a user class. `undefined` when unknown
 * (e.g. an array without `@Type`).
 */
export function nestedTypeOf(target: Function, property: string): Function | undefined {
  const declared = defaultMetadataStorage.findTypeMetadata(target, property);
  if (declared?.typeFunction) {
    const type = declared.typeFunction() as unknown;
    if (typeof type === 'function') return type;
  }
  const designType = designTypeOf(target, property);
  return designType !== undefined && !BUILT_INS.has(designType) ? designType : undefined;
}

/** The property's emitted `design:type` (e.g. `Number`, `Array`), or `undefined`. */
export function designTypeOf(target: Function, property: string): Function | undefined {
  const designType = designMetadata<unknown>(MetadataKeys.PROPERTY_TYPE, target.prototype, property);
  return typeof designType === 'function' ? designType : undefined;
}
