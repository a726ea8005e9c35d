import { defineInjectToken } from '../metadata/injection-metadata';
import { InjectionToken } from '../runtime/provider';

/**
 * Injects the provider registered under `token` into this constructor parameter, for
 * string/symbol tokens and interface-typed parameters.
 * @example constructor(@Inject('CONFIG') private readonly config: AppConfig) {}
 */
export function Inject(token: InjectionToken): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey !== undefined) {
      throw new Error(`@Inject(${String(token)}) on ${String(propertyKey)}: only constructor parameters can be injected`);
    }
    defineInjectToken(target as Function, index, token);
  };
}
