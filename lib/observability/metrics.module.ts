import { Module } from '../core/decorators/injector.decorators';
import { DynamicModule } from '../core/metadata/module-metadata';
import { ActonSystemActor } from './acton-system.actor';
import { MetricsExtension, MetricsModuleOptions } from './metrics-extension';

/**
 * Prometheus metrics, health and the `$acton` system actor for an app (needs the optional
 * package `prom-client`). Import `MetricsModule.forRoot({...})` in the root module; the figures
 * are recorded from then on and read at scrape time.
 *
 * @example
 * @Module({ imports: [IpcModule.forRoot(), MetricsModule.forRoot({ port: 9464 })], actors: [Calculator] })
 * export class AppModule {}
 */
@Module({})
export class MetricsModule {
  /**
   * The module with a metrics extension configured by `options` and, unless
   * `systemActor: false`, the `$acton` actor.
   */
  static forRoot(options: MetricsModuleOptions = {}): DynamicModule {
    return {
      module: MetricsModule,
      actors: options.systemActor === false ? [] : [ActonSystemActor],
      extensions: [() => new MetricsExtension(options)],
    };
  }
}
