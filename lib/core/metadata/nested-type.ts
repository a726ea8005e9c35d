import 'reflect-metadata';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { MetadataKeys } from './metadata-keys';

// class-transformer keeps `@Type` metadata in a storage it does not export from its index;
// its CommonJS build is the stable place to read it (its typings live under types/).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };

/**
 * The class of a nested property: the one named with class-transformer's `@Type(() => X)`,
 * else the property's emitted `design:type` when that is a user class. `undefined` when unknown
 * (e.g. an array without `@Type`). Hides class-transformer's metadata storage from the rest.
 */
export function nestedTypeOf(target: Function, property: string): Function | undefined {
  const declared = defaultMetadataStorage.findTypeMetadata(target, property);
  if (declared?.typeFunction) {
    const type = declared.typeFunction() as unknown;
    if (typeof type === 'function') return type;
  }
  const designType = Reflect.getMetadata(MetadataKeys.PROPERTY_TYPE, target.prototype, property) as unknown;
  if (typeof designType === 'function' && !BUILT_INS.has(designType)) return designType;
  return undefined;
}

/** The property's emitted `design:type` (e.g. `Number`, `Array`), or `undefined`. */
export function designTypeOf(target: Function, property: string): Function | undefined {
  const designType = Reflect.getMetadata(MetadataKeys.PROPERTY_TYPE, target.prototype, property) as unknown;
  return typeof designType === 'function' ? designType : undefined;
}

const BUILT_INS = new Set<unknown>([Object, Array, String, Number, Boolean, Date, Map, Set, Promise, Function, Symbol, BigInt]);
