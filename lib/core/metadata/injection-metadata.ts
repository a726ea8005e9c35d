import 'reflect-metadata';
import { InjectionToken, tokenName } from '../runtime/provider';
import { designMetadata, MetadataKeys, ownMetadata } from './metadata-keys';

/** Records `@Inject(token)` for constructor parameter `index` of `target`. */
export function defineInjectToken(target: Function, index: number, token: InjectionToken): void {
  const tokens = new Map(injectTokensOf(target));
  tokens.set(index, token);
  Reflect.defineMetadata(MetadataKeys.INJECT_TOKENS, tokens, target);
}

function injectTokensOf(target: Function): Map<number, InjectionToken> {
  return ownMetadata<Map<number, InjectionToken>>(MetadataKeys.INJECT_TOKENS, target) ?? new Map();
}

/** Marks a class as constructed by the injector (see `@Injectable`). */
export function markInjectable(target: Function): void {
  Reflect.defineMetadata(MetadataKeys.INJECTABLE, true, target);
}

/**
 * The tokens to resolve for `target`'s constructor parameters, in order: `@Inject(token)` where
 * given, else the parameter's emitted type.
 * @throws Error naming the class and parameter when a type is unknown (no decorator on the
 *   class, an interface/union type, or a circular import)
 */
export function constructorTokensOf(target: Function): InjectionToken[] {
  const explicit = injectTokensOf(target);
  const types = designMetadata<unknown[]>(MetadataKeys.PARAM_TYPES, target);
  if (!types) {
    if (target.length === 0 || explicit.size >= target.length)
      return Array.from({ length: target.length }, (_, i) => explicit.get(i)!);
    throw new Error(decorated(target) ? noEmittedTypes(target.name) : undecorated(target.name));
  }
  return types.map((type, index) => explicit.get(index) ?? checkedType(target, index, type));
}

/** Whether one of our class decorators ran on `target` (then the compiler lacks something, not the class). */
function decorated(target: Function): boolean {
  return [MetadataKeys.ACTOR, MetadataKeys.INJECTABLE].some((key) => Reflect.hasOwnMetadata(key, target));
}

function noEmittedTypes(name: string): string {
  return (
    `Cannot inject the constructor parameters of ${name}: the compiler emitted no parameter types ` +
    `for it although it is decorated, so "emitDecoratorMetadata" is off. ` +
    'Set "experimentalDecorators": true and "emitDecoratorMetadata": true in tsconfig.json ' +
    '(tools that skip type metadata, e.g. esbuild or swc without decoratorMetadata, need it enabled too), ' +
    "or name each parameter's token with @Inject(token)"
  );
}

function undecorated(name: string): string {
  return (
    `Cannot inject the constructor parameters of ${name}: ` +
    'their types are unknown because the class has no decorator. ' +
    `Add @Injectable() (or @Actor() for an actor) to ${name}, and keep emitDecoratorMetadata on`
  );
}

function checkedType(target: Function, index: number, type: unknown): InjectionToken {
  if (typeof type === 'function' && type !== Object) return type as InjectionToken;
  const why =
    type === undefined ? 'undefined (a circular import?)' : `${tokenName(type)} (an interface or union type?)`;
  throw new Error(
    `Cannot inject parameter #${index} of ${target.name}: its type is ${why}. ` +
      `Use a class type, or name a provider token with @Inject(token)`,
  );
}
