import { Module } from '../core/decorators/injector.decorators';
import { DynamicModule } from '../core/metadata/module-metadata';
import { ClusterNode } from './cluster-node';
import { ClusterModuleOptions } from './cluster-options';

/**
 * Joins the app to a cluster of nodes through NATS (`nats-server -js`): cluster actors are
 * called by name wherever they run, broadcasts reach every node. Import it AFTER
 * `IpcModule.forRoot()`; the node is available as `app.cluster`.
 *
 * @example
 * @Module({
 *   imports: [IpcModule.forRoot(), ClusterModule.forRoot({ servers: 'nats://127.0.0.1:4222' })],
 *   actors: [Counter],
 * })
 * export class AppModule {}
 */
@Module({})
export class ClusterModule {
  /**
   * The module with a cluster node configured by `options` (which beat `ACTON_NATS_URL`,
   * `ACTON_CLUSTER`, `ACTON_NODE_ID`). A bad option makes `bootstrap()` reject naming it;
   * an unreachable NATS server makes it reject naming the servers.
   */
  static forRoot(options: ClusterModuleOptions = {}): DynamicModule {
    return { module: ClusterModule, extensions: [() => new ClusterNode(options)] };
  }
}
