import { ActorError } from '../errors/actor-error';
import { ErrorCode } from '../errors/error-code';
import { ErrorMessages } from '../errors/error-messages';
import { decoratedMessages, type MessageDefinition, messageDefinitionOf } from './message-metadata';
import { PayloadValidator } from './payload-validator';

/**
 * An app's message types: wire name ↔ class ↔ reply class.
 *
 * Built at bootstrap from the message (and reply) classes of the app's handlers, where a wire
 * name used by two classes is a startup error naming both; then every other `@Message` class of
 * the process whose name is still free is added (broadcast-only types such as `PriceUpdate`).
 * A `@Message` class first seen later (e.g. broadcast by a lazily loaded module) is added when
 * first looked up by class, if its name is free.
 */
export class MessageRegistry {
  private readonly named = new Map<string, MessageDefinition>();
  private readonly typed = new Map<Function, MessageDefinition>();

  /** @param validator turns payloads into validated instances (see `decode` / `check`) */
  constructor(private readonly validator: PayloadValidator) {}

  /**
   * Adds a definition (and, recursively, its reply class).
   * @throws Error naming both classes when the wire name belongs to another class, or naming the
   *   reply class when it is not a `@Message` class
   */
  register(definition: MessageDefinition): void {
    const existing = this.named.get(definition.name);
    if (existing && existing.type !== definition.type) throw duplicate(existing, definition);
    if (existing) return; // already registered, with its reply (also stops reply cycles)
    this.add(definition);
    if (definition.reply) this.register(replyDefinition(definition));
  }

  /** Adds every `@Message` class decorated so far whose wire name is free; returns the ones left out. */
  adoptDecorated(): MessageDefinition[] {
    return decoratedMessages().filter((definition) => !this.adopt(definition));
  }

  /** The definition registered under a wire name. */
  byName(wireName: string): MessageDefinition | undefined {
    return this.named.get(wireName);
  }

  /** The definition of a class; a `@Message` class not yet registered is added if its name is free. */
  byType<T>(type: new (...args: any[]) => T): MessageDefinition<T> | undefined;
  byType(type: Function): MessageDefinition | undefined;
  byType(type: Function): MessageDefinition | undefined {
    const known = this.typed.get(type);
    if (known) return known;
    const declared = messageDefinitionOf(type);
    return declared && this.adopt(declared) ? declared : undefined;
  }

  /** The definition of `message`'s class, or `undefined` (see `unregisteredReason`). */
  definitionOf(message: object): MessageDefinition | undefined {
    return this.byType(message.constructor);
  }

  /** All registered definitions, in registration order. */
  definitions(): readonly MessageDefinition[] {
    return [...this.named.values()];
  }

  /** All registered wire names (discovery's `message_types`, docs/protocol.md §2.7). */
  names(): string[] {
    return [...this.named.keys()];
  }

  /**
   * Decodes a wire payload into a validated instance of the type registered as `wireName`.
   * Synchronous unless the class has asynchronous constraints.
   * @throws ActorError `UNKNOWN_MESSAGE_TYPE` ("Unknown message type: X") for an unregistered
   *   name; `SERIALIZATION_ERROR` with the failing fields (see `PayloadValidator.decode`)
   */
  decode(wireName: string, payload: unknown): object | Promise<object> {
    const definition = this.named.get(wireName);
    if (!definition) throw new ActorError(ErrorCode.UNKNOWN_MESSAGE_TYPE, ErrorMessages.unknownMessageType(wireName));
    return this.validator.decode(definition as MessageDefinition<object>, payload);
  }

  /** Validates an in-process message against its class; see `PayloadValidator.check`. */
  check(definition: MessageDefinition, message: object): void | Promise<void> {
    return this.validator.check(definition, message);
  }

  /** Why `type` has no definition here, phrased for an error message ("X is not a @Message class ..."). */
  unregisteredReason(type: Function): string {
    const name = type?.name || 'an anonymous class';
    if (type === Object)
      return 'it is a plain object; pass an instance of a @Message class, e.g. Object.assign(new MyMessage(), { ... })';
    const declared = typeof type === 'function' ? messageDefinitionOf(type) : undefined;
    if (!declared) return `${name} is not a @Message class; decorate it with @Message()`;
    const holder = this.named.get(declared.name);
    const taken = `${name}'s wire name '${declared.name}' is already registered for another class`;
    return `${taken}, ${holder?.type.name}; rename one of them`;
  }

  private adopt(definition: MessageDefinition): boolean {
    const existing = this.named.get(definition.name);
    if (existing) return existing.type === definition.type;
    this.add(definition);
    return true;
  }

  private add(definition: MessageDefinition): void {
    this.named.set(definition.name, definition);
    this.typed.set(definition.type, definition);
  }
}

function replyDefinition(definition: MessageDefinition): MessageDefinition {
  const reply = messageDefinitionOf(definition.reply!);
  if (!reply) {
    const replyName = definition.reply!.name;
    throw new Error(
      `@Message('${definition.name}') on ${definition.type.name} names ${replyName} as its reply, ` +
        `but ${replyName} is not a @Message class; decorate ${replyName} with @Message()`,
    );
  }
  return reply;
}

function duplicate(existing: MessageDefinition, added: MessageDefinition): Error {
  const [a, b] = [existing.type.name, added.type.name];
  const classes = a === b ? `two different classes both named ${a}` : `${a} and ${b}`;
  return new Error(
    `Duplicate message wire name '${added.name}': used by ${classes}; give one of them another name in @Message('...')`,
  );
}
