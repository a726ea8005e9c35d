import 'reflect-metadata';
import { MetadataKeys, ownMetadata } from './metadata-keys';

/** A message class as registered by `@Message`. */
export interface MessageDefinition<T = unknown> {
  /** Wire name (`message_type` on the wire). */
  readonly name: string;
  /** The decorated class. */
  readonly type: new (...args: any[]) => T;
  /** The reply class given as `@Message(name, { reply })`, when there is one. */
  readonly reply?: new (...args: any[]) => unknown;
}

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
  return ownMetadata<MessageDefinition>(MetadataKeys.MESSAGE, type);
}

/** Snapshot of all `@Message` classes decorated so far in this process. */
export function decoratedMessages(): readonly MessageDefinition[] {
  return catalogue.slice();
}
