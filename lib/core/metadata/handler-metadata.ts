import 'reflect-metadata';
import { HandlerInfo, HandlerKind } from '../runtime/actor-ref';
import { type MessageDefinition, messageDefinitionOf } from './message-metadata';
import { designMetadata, MetadataKeys, ownMetadata } from './metadata-keys';

/** A message class, or a thunk returning one (for classes declared later in the file). */
export type MessageTypeRef = (new (...args: any[]) => unknown) | (() => new (...args: any[]) => unknown);

/** What `@OnMessage({...})` accepts. */
export interface OnMessageOptions {
  /** Callable from other processes; default `false` (in-process only). */
  readonly ipc?: boolean;
  /** May run concurrently with other readonly handlers of the actor, never during a mutating one. */
  readonly readonly?: boolean;
  /** Also receives every `Broker.broadcast` of its message type. */
  readonly subscribe?: boolean;
  /** The message class; default: the type of the method's first parameter. */
  readonly type?: MessageTypeRef;
}

/** One `@OnMessage` as declared, before its message class is resolved. */
export interface HandlerDeclaration {
  readonly method: string;
  readonly options: OnMessageOptions;
}

/** A handler whose message class is known and registered with `@Message`. */
export interface ResolvedHandler {
  readonly info: HandlerInfo;
  readonly definition: MessageDefinition;
}

/** Appends a handler declaration to `prototype`'s class. */
export function declareHandler(prototype: object, declaration: HandlerDeclaration): void {
  const own = ownMetadata<HandlerDeclaration[]>(MetadataKeys.HANDLERS, prototype) ?? [];
  Reflect.defineMetadata(MetadataKeys.HANDLERS, [...own, declaration], prototype);
}

/** Handler declarations of a class and its base classes; a subclass's declaration of a method wins. */
function handlerDeclarationsOf(actorClass: Function): HandlerDeclaration[] {
  const byMethod = new Map<string, HandlerDeclaration>();
  for (let proto = actorClass.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const own = ownMetadata<HandlerDeclaration[]>(MetadataKeys.HANDLERS, proto) ?? [];
    for (const declaration of own) if (!byMethod.has(declaration.method)) byMethod.set(declaration.method, declaration);
  }
  return [...byMethod.values()];
}

/**
 * Resolves every handler of `actorClass` to its `@Message` class.
 * @throws Error naming the class and method when a message class cannot be found, is not a
 *   `@Message` class, or when two handlers of the actor take the same wire name
 */
export function resolveHandlers(actorClass: Function): ResolvedHandler[] {
  const byWireName = new Map<string, ResolvedHandler>();
  for (const declaration of handlerDeclarationsOf(actorClass)) {
    const handler = resolveHandler(actorClass, declaration);
    const clash = byWireName.get(handler.info.wireName);
    if (clash) {
      throw new Error(
        `${actorClass.name} has two handlers for message type '${handler.info.wireName}': ` +
          `${clash.info.method}() and ${handler.info.method}(); keep one of them`,
      );
    }
    byWireName.set(handler.info.wireName, handler);
  }
  return [...byWireName.values()];
}

function resolveHandler(actorClass: Function, declaration: HandlerDeclaration): ResolvedHandler {
  const where = `${actorClass.name}.${declaration.method}()`;
  const type = messageClassOf(actorClass, declaration, where);
  const definition = messageDefinitionOf(type);
  if (!definition) {
    throw new Error(
      `${where} handles ${type.name}, which is not a @Message class: decorate ${type.name} with @Message(), ` +
        `or name the message class with @OnMessage({ type: SomeMessage })`,
    );
  }
  const { options } = declaration;
  const info: HandlerInfo = {
    wireName: definition.name,
    method: declaration.method,
    ipc: options.ipc ?? false,
    readonly: options.readonly ?? false,
    subscribe: options.subscribe ?? false,
    kind: guessKind(actorClass, declaration.method, definition),
  };
  return { info, definition };
}

function messageClassOf(actorClass: Function, declaration: HandlerDeclaration, where: string): Function {
  const given = declaration.options.type;
  if (given !== undefined) {
    const type = isThunk(given) ? (given as () => Function)() : given;
    if (typeof type !== 'function') {
      throw new Error(`${where}: @OnMessage({ type }) must be a @Message class (got ${String(type)})`);
    }
    return type;
  }
  const params = designMetadata<Function[]>(MetadataKeys.PARAM_TYPES, actorClass.prototype, declaration.method);
  const first = params?.[0];
  if (params && params.length === 0) {
    throw new Error(
      `Cannot resolve the message class of ${where}: the method has no parameter; ` +
        'give it one typed with a @Message class, or use @OnMessage({ type: SomeMessage })',
    );
  }
  if (typeof first !== 'function' || first === Object) {
    throw new Error(
      `Cannot resolve the message class of ${where}: its first parameter's type is not known at run time ` +
        "(an interface, a type alias, a class imported with 'import type', a circular import, " +
        'or emitDecoratorMetadata off). ' +
        `Type the parameter with a @Message class or name it with @OnMessage({ type: SomeMessage })`,
    );
  }
  return first;
}

/** Arrow functions and other thunks have no `prototype`; classes always do. */
function isThunk(ref: MessageTypeRef): boolean {
  return (ref as Function).prototype === undefined;
}

function guessKind(actorClass: Function, method: string, definition: MessageDefinition): HandlerKind {
  const fn = (actorClass.prototype as Record<string, unknown>)[method];
  if (typeof fn === 'function' && fn.constructor?.name === 'AsyncGeneratorFunction') return 'stream';
  const returnType = designMetadata<Function>(MetadataKeys.RETURN_TYPE, actorClass.prototype, method);
  if (typeof returnType === 'function' && returnType.name === 'Observable') return 'stream';
  const declaresReturnType = Reflect.hasMetadata(MetadataKeys.RETURN_TYPE, actorClass.prototype, method);
  if (declaresReturnType && returnType === undefined && definition.reply === undefined) return 'fire-and-forget';
  return 'request';
}
