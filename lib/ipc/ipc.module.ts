import { Module } from '../core/decorators/injector.decorators';
import { DynamicModule } from '../core/metadata/module-metadata';
import { IpcListener, IpcModuleOptions } from './server/ipc-listener';

/**
 * Opens the app's actors to other processes over a Unix socket speaking the acton-reactive IPC
 * protocol. Import `IpcModule.forRoot({...})` in the root module; the listener starts after the
 * actors' `onStart` and is available as `app.listener`.
 *
 * @example
 * @Module({ imports: [IpcModule.forRoot({ socket: { appName: 'pricing' } })], actors: [PriceFeed] })
 * export class AppModule {}
 */
@Module({})
export class IpcModule {
  /**
   * The module with an IPC listener configured by `options` (camelCase of `ipc.toml`'s keys, plus
   * `compat`, `configFile` and `logger`). These beat the environment and the file. A bad value
   * makes `bootstrap()` reject with an error naming the key.
   */
  static forRoot(options: IpcModuleOptions = {}): DynamicModule {
    return { module: IpcModule, extensions: [() => new IpcListener(options)] };
  }
}
