/** A class that can be constructed (`new`). */
export type Type<T = unknown> = new (...args: any[]) => T;

/** An abstract class, usable as an injection token. */
export type AbstractType<T = unknown> = abstract new (...args: any[]) => T;

/** What identifies a provider: a class, or a string / symbol used with `@Inject(token)`. */
export type InjectionToken<T = unknown> = Type<T> | AbstractType<T> | string | symbol;

/** `{ provide, useClass }`: build `useClass` (a singleton per app) when `provide` is injected. */
export interface ClassProvider<T = unknown> {
  readonly provide: InjectionToken<T>;
  readonly useClass: Type<T>;
}

/** `{ provide, useValue }`: inject this very value. Lifecycle hooks are not called on it. */
export interface ValueProvider<T = unknown> {
  readonly provide: InjectionToken<T>;
  readonly useValue: T;
}

/**
 * `{ provide, useFactory, inject? }`: call `useFactory(...resolved inject tokens)` once per app.
 * The factory must return the value itself (not a Promise): do asynchronous set-up in `onStart`.
 */
export interface FactoryProvider<T = unknown> {
  readonly provide: InjectionToken<T>;
  readonly useFactory: (...deps: any[]) => T;
  readonly inject?: readonly InjectionToken[];
}

/** Anything a module's `providers` (or a testing override) may hold; a bare class provides itself. */
export type Provider<T = unknown> = Type<T> | ClassProvider<T> | ValueProvider<T> | FactoryProvider<T>;

/** The token a provider is registered under. */
export function providerToken(provider: Provider): InjectionToken {
  return typeof provider === 'function' ? provider : provider.provide;
}

/** Human-readable name of a token, for error messages. */
export function tokenName(token: unknown): string {
  if (typeof token === 'function') return token.name || '<anonymous class>';
  if (typeof token === 'symbol') return token.toString();
  return JSON.stringify(token);
}
