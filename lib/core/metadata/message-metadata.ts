import 'reflect-metadata';
import { MessageDefinition } from './message-definition';
import { MetadataKeys } from './metadata-keys';

/** Every class decorated with `@Message` in this process, in decoration order. */
const catalogue: MessageDefinition[] = [];

/** Stores `definition` on its class and adds it to the process-wide catalogue. */
export function defineMessage(definition: MessageDefinition): void {
  Reflect.defineMetadata(MetadataKeys.MESSAGE, definition, definition.type);
  catalogue.push(definition);
}

/**
 * The `@Message` definition declared on exactly this class (not inherited: a subclass without
 * its own `@Message` is not the parent's wire type), or `undefined`.
 */
export function messageDefinitionOf(type: Function): MessageDefinition | undefined {
  return Reflect.getOwnMetadata(MetadataKeys.MESSAGE, type) as MessageDefinition | undefined;
}

/** Snapshot of all `@Message` classes decorated so far in this process. */
export function decoratedMessages(): readonly MessageDefinition[] {
  return catalogue.slice();
}
