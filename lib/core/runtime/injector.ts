import { InjectionToken, Provider, Type } from './provider';

/**
 * The app's dependency injection, as the rest of acton-ts sees it (the implementation,
 * `TsyringeInjector`, keeps tsyringe out of every other file). Every class or factory
 * provider is a singleton of the injector it was registered in.
 */
export interface Injector {
  /**
   * Registers a module provider; a later registration of the same token replaces it.
   * @throws Error naming the provider when it is not a class or `{ provide, useClass | useValue | useFactory }`
   */
  register(provider: Provider): void;
  /** Registers `value` under `token`. */
  provideValue<T>(token: InjectionToken<T>, value: T): void;
  /** Registers a singleton built by `factory` on first resolution (reported to the creation hook). */
  provideFactory<T>(token: InjectionToken<T>, factory: () => T): void;
  /**
   * The instance for `token`, built on first use.
   * @throws Error naming the token (and the dependency chain) when nothing provides it, or on a
   *   circular dependency
   */
  resolve<T>(token: InjectionToken<T>): T;
  /** True when `token` is registered here or in a parent. */
  has(token: InjectionToken): boolean;
  /** Builds an unregistered `type`, resolving its constructor parameters from this injector. */
  construct<T>(type: Type<T>): T;
  /** A child: sees this injector's providers; its own registrations shadow them for it only. */
  createChild(): Injector;
}

/** Called with each class / factory provider instance right after it is built. */
export type CreationHook = (instance: unknown, token: InjectionToken) => void;
