import 'reflect-metadata';
import { container as globalContainer, DependencyContainer, instanceCachingFactory } from 'tsyringe';
import { constructorTokensOf } from '../metadata/injection-metadata';
import { CreationHook, Injector } from './injector';
import { InjectionToken, Provider, providerToken, tokenName, Type } from './provider';

/** State shared by an app's root injector and its children. */
interface InjectorScope {
  /** Tokens being built, outermost first, to report circular dependencies. */
  readonly building: InjectionToken[];
  readonly onCreated: CreationHook;
}

/**
 * `Injector` on tsyringe: each app gets its own child of tsyringe's global container (the global
 * one is never written to). Providers are registered as caching factories that build with OUR
 * constructor metadata (`design:paramtypes` + `@Inject`), resolving dependencies from the
 * injector they were registered in: a shared provider never captures a child's (e.g. one
 * actor's) registrations.
 */
export class TsyringeInjector implements Injector {
  private constructor(
    private readonly container: DependencyContainer,
    private readonly scope: InjectorScope,
  ) {}

  /** A fresh root injector for one app. */
  static createRoot(onCreated: CreationHook = () => undefined): TsyringeInjector {
    return new TsyringeInjector(globalContainer.createChildContainer(), { building: [], onCreated });
  }

  register(provider: Provider): void {
    if (typeof provider === 'function') return this.provideClass(provider, provider);
    if (provider && typeof provider === 'object' && 'provide' in provider) {
      if ('useValue' in provider) return this.provideValue(provider.provide, provider.useValue);
      if ('useClass' in provider && typeof provider.useClass === 'function')
        return this.provideClass(provider.provide, provider.useClass);
      if ('useFactory' in provider && typeof provider.useFactory === 'function') {
        const { useFactory, inject = [] } = provider;
        return this.provideFactory(provider.provide, () => useFactory(...inject.map((token) => this.resolve(token))));
      }
    }
    const token =
      provider && typeof provider === 'object' && 'provide' in provider
        ? tokenName(providerToken(provider))
        : String(provider);
    throw new Error(`Invalid provider ${token}: use a class, or { provide, useClass | useValue | useFactory }`);
  }

  provideValue<T>(token: InjectionToken<T>, value: T): void {
    this.container.register(token as never, { useValue: value });
  }

  provideFactory<T>(token: InjectionToken<T>, factory: () => T): void {
    this.container.register(token as never, { useFactory: instanceCachingFactory(() => this.build(token, factory)) });
  }

  resolve<T>(token: InjectionToken<T>): T {
    if (!this.container.isRegistered(token as never, true)) throw new Error(this.missing(token));
    return this.container.resolve(token as never) as T;
  }

  has(token: InjectionToken): boolean {
    return this.container.isRegistered(token as never, true);
  }

  construct<T>(type: Type<T>): T {
    const tokens = constructorTokensOf(type);
    const args = tokens.map((token) => this.resolve(token));
    return new type(...args);
  }

  createChild(): Injector {
    return new TsyringeInjector(this.container.createChildContainer(), this.scope);
  }

  private provideClass(token: InjectionToken, type: Type): void {
    if (typeof type !== 'function')
      throw new Error(`Invalid provider for ${tokenName(token)}: useClass must be a class`);
    this.provideFactory(token, () => this.construct(type));
  }

  private build<T>(token: InjectionToken, factory: () => T): T {
    const { building } = this.scope;
    if (building.includes(token)) {
      const cycle = [...building.slice(building.indexOf(token)), token].map(tokenName).join(' -> ');
      throw new Error(
        `Circular dependency: ${cycle}. Break it by injecting ActonApp and resolving lazily with app.get(), or by moving shared state into a provider`,
      );
    }
    building.push(token);
    try {
      const instance = factory();
      this.scope.onCreated(instance, token);
      return instance;
    } finally {
      building.pop();
    }
  }

  private missing(token: InjectionToken): string {
    const chain = this.scope.building.map(tokenName);
    const needed = chain.length > 0 ? ` (needed by ${chain.join(' -> ')})` : '';
    return `No provider for ${tokenName(token)}${needed}: add it to the providers (or actors) of a module imported by the app`;
  }
}
