import { defineInjectToken, markInjectable } from '../metadata/injection-metadata';
import { defineModule, type ModuleMetadata } from '../metadata/module-metadata';
import type { InjectionToken } from '../runtime/provider';

/**
 * The decorators the app's injector reads: `@Module` says what goes into it, `@Injectable` and
 * `@Inject` how a provider's constructor is fed from it. (`@Actor` marks its class injectable too.)
 */

/**
 * Groups actors, providers and imported modules. The app is everything reachable from the
 * module given to `bootstrap()`: modules are collected recursively, each once, into one
 * injector (providers are app-wide singletons, as are actors).
 */
export function Module(metadata: ModuleMetadata = {}): ClassDecorator {
  return (target) => defineModule(target, { ...metadata });
}

/**
 * Marks a provider class whose constructor parameters are injected. Needed only when the
 * constructor has parameters: TypeScript records their types only for decorated classes.
 */
export function Injectable(): ClassDecorator {
  return (target) => markInjectable(target);
}

/**
 * Injects the provider registered under `token` into this constructor parameter, for
 * string/symbol tokens and interface-typed parameters.
 * @example constructor(@Inject('CONFIG') private readonly config: AppConfig) {}
 */
export function Inject(token: InjectionToken): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey !== undefined) {
      throw new Error(
        `@Inject(${String(token)}) on ${String(propertyKey)}: only constructor parameters can be injected`,
      );
    }
    defineInjectToken(target as Function, index, token);
  };
}
