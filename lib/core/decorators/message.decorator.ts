import { defineMessage, type MessageDefinition } from '../metadata/message-metadata';

/** Options of `@Message`. */
export interface MessageOptions {
  /** The class a request of this type is answered with; enables typed asks and discovery. */
  readonly reply?: new (...args: any[]) => unknown;
}

/**
 * Registers a class as a message type under its wire name (`message_type` on the wire).
 * Payloads of this type are turned into instances with class-transformer and checked with the
 * class's class-validator decorators before a handler runs (see `PayloadValidator`).
 *
 * Two classes used by one app with the same wire name make `bootstrap` fail, naming both.
 *
 * @param name wire name; default: the class name
 * @param options `reply`: the reply class, itself a `@Message` class
 * @example @Message('AddRequest', { reply: AddResult }) export class AddRequest { @IsInt() a!: number; }
 */
export function Message(name?: string, options?: MessageOptions): ClassDecorator;
/** `@Message({ reply })`: wire name = class name. */
export function Message(options: MessageOptions & { readonly name?: string }): ClassDecorator;
export function Message(
  nameOrOptions?: string | (MessageOptions & { readonly name?: string }),
  options: MessageOptions = {},
): ClassDecorator {
  return (target) => {
    const opts: MessageOptions & { readonly name?: string } =
      typeof nameOrOptions === 'object' ? nameOrOptions : options;
    const name = typeof nameOrOptions === 'string' ? nameOrOptions : (opts.name ?? target.name);
    if (typeof name !== 'string' || name.length === 0) {
      throw new Error(
        `@Message on ${target.name}: the wire name must be a non-empty string (got ${JSON.stringify(name)})`,
      );
    }
    if (opts.reply !== undefined && typeof opts.reply !== 'function') {
      throw new Error(
        `@Message('${name}') on ${target.name}: reply must be a class (got ${String(opts.reply)}); ` +
          'if it is declared later in the file, move it above',
      );
    }
    const definition: MessageDefinition = {
      name,
      type: target as unknown as new (...args: any[]) => unknown,
      ...(opts.reply ? { reply: opts.reply } : {}),
    };
    defineMessage(definition);
  };
}
