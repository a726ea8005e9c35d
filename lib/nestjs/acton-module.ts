import type { DynamicModule as NestDynamicModule, OnModuleDestroy } from '@nestjs/common';
import { ActonApp, bootstrap, Broker, IpcModule, Module } from '../index';
import type { InjectionToken, IpcModuleOptions, ModuleImport, Type } from '../index';

/**
 * Options of `ActonModule.forRoot`. Tokens cross between the two DI containers only where
 * listed:
 *
 * - acton → Nest: `ActonApp` and `Broker` always; plus every token in `exports` (an acton
 *   provider or actor class, resolved with `app.get(token)`).
 * - Nest → acton: every token in `inject` is resolved by Nest (from `nestImports` or a global
 *   module) before the acton app starts, and registered in the acton container as a value, so
 *   actors and acton providers can take it in their constructors.
 */
export interface ActonModuleOptions {
  /** acton modules (`@Module` of acton-ts) whose actors, providers and extensions make up the app. */
  readonly imports?: readonly ModuleImport[];
  /** acton actors added directly to the app's root module. */
  readonly actors?: readonly Type[];
  /** When given, the app opens an IPC listener with these options (`IpcModule.forRoot(ipc)`). */
  readonly ipc?: IpcModuleOptions;
  /** Nest modules that provide the `inject` tokens (imported by ActonModule's Nest module). */
  readonly nestImports?: NonNullable<NestDynamicModule['imports']>;
  /** Nest → acton: Nest tokens the actors may inject. */
  readonly inject?: readonly InjectionToken[];
  /** acton → Nest: acton tokens Nest providers and controllers may inject (beyond `ActonApp`, `Broker`). */
  readonly exports?: readonly InjectionToken[];
  /** Register `ActonApp`, `Broker` and `exports` in every Nest module (default true), as `@nestjs/config` does. */
  readonly global?: boolean;
  /** Bound on each phase of the acton app's close (drain, handlers, each `onStop`), ms; default 5000. */
  readonly closeTimeoutMs?: number;
}

/** Root of the acton app that `ActonModule` starts. */
@Module({})
class ActonNestRootModule {}

/**
 * Closes the acton app in Nest's `onModuleDestroy`. Nest calls that hook on the importing
 * modules first and on imported ones last, so the app drains after the Nest code that uses it
 * (controllers, providers of the importing modules) and before the Nest providers its actors
 * use (`nestImports`). `onApplicationShutdown` runs the other way round (imported modules
 * first): the actors would still be draining while their Nest services shut down.
 */
class ActonAppLifecycle implements OnModuleDestroy {
  constructor(
    private readonly app: ActonApp,
    private readonly timeoutMs: number | undefined,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.app.close(this.timeoutMs === undefined ? {} : { timeoutMs: this.timeoutMs });
  }
}

/**
 * Runs an acton-ts app inside a Nest application's lifecycle and DI.
 *
 * - Start: the app is bootstrapped (actors' `onStart`, then the IPC listener when `ipc` is set)
 *   while Nest resolves its providers, before any `onModuleInit` hook, so `ActonApp` and
 *   `Broker` are ready in constructors.
 * - Stop: Nest's `app.close()` (or its shutdown hooks) → in `onModuleDestroy`, after the
 *   importing modules' providers and before the `nestImports` providers (see
 *   `ActonAppLifecycle`), the acton app drains gracefully (docs/protocol.md §5.5: requests in
 *   flight are answered, new ones get `SHUTTING_DOWN`) and the actors' `onStop` hooks run.
 *
 * @example
 * @Module({ imports: [ActonModule.forRoot({ imports: [AppActorsModule], ipc: { socket: { appName: 'shop' } } })],
 *           controllers: [OrdersController] })
 * export class AppModule {}
 * // OrdersController: constructor(private readonly acton: ActonApp) {}  → this.acton.ask('orders', msg)
 */
export class ActonModule {
  /** The Nest dynamic module; see `ActonModuleOptions` for which tokens flow which way. */
  static forRoot(options: ActonModuleOptions = {}): NestDynamicModule {
    const inject = [...(options.inject ?? [])];
    const exported = [...(options.exports ?? [])];
    const appProvider = {
      provide: ActonApp,
      useFactory: (...bridged: unknown[]) => bootstrap(actonRoot(options, inject, bridged)),
      inject: inject as never[],
    };
    // The tokens live in a module of their own (global by default), while the close hook stays in
    // ActonModule, imported by the app's module: Nest gives global modules the largest distance,
    // which would run their onModuleDestroy last, after the providers the actors use.
    const tokens: NestDynamicModule = {
      module: ActonAppModule,
      global: options.global ?? true,
      imports: [...(options.nestImports ?? [])],
      providers: [
        appProvider,
        { provide: Broker, useFactory: (app: ActonApp) => app.broker, inject: [ActonApp] },
        ...exported.map((token) => ({
          provide: token as never,
          useFactory: (app: ActonApp) => app.get(token as never),
          inject: [ActonApp],
        })),
      ],
      exports: [ActonApp, Broker, ...(exported as never[])],
    };
    const timeoutMs = options.closeTimeoutMs;
    return {
      module: ActonModule,
      imports: [tokens],
      providers: [
        {
          provide: ActonAppLifecycle,
          useFactory: (app: ActonApp) => new ActonAppLifecycle(app, timeoutMs),
          inject: [ActonApp],
        },
      ],
      exports: [tokens],
    };
  }
}

/** The Nest module that holds `ActonApp`, `Broker` and the exported acton tokens. */
class ActonAppModule {}

/** The acton root module: the user's modules and actors, the IPC listener, and the Nest values bridged in. */
function actonRoot(
  options: ActonModuleOptions,
  tokens: readonly InjectionToken[],
  values: readonly unknown[],
): ModuleImport {
  return {
    module: ActonNestRootModule,
    imports: [...(options.imports ?? []), ...(options.ipc ? [IpcModule.forRoot(options.ipc)] : [])],
    actors: [...(options.actors ?? [])],
    providers: tokens.map((token, index) => ({ provide: token, useValue: values[index] })),
  };
}
