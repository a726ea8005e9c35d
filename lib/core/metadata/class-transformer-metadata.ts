import { TransformationType } from 'class-transformer';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';

// class-transformer keeps its decorators' metadata in a storage it does not export from its
// index; its CommonJS build is the stable place to read it (see nested-type.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };

/**
 * True when `plainToInstance(type, plain)` could do more than `Object.assign(new type(), plain)`
 * for these properties: the class or a property carries `@Expose`, `@Exclude`, `@Type` or a
 * plain-to-class `@Transform`. Hides class-transformer's metadata storage.
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
