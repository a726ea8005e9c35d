import { IpcModule, Module } from 'acton-ts';
import { ClusterModule } from 'acton-ts/cluster';
import { MetricsModule } from 'acton-ts/observability';
import { CalculatorActor } from './calculator/calculator.actor';
import { CartActor } from './cart/cart.actor';
import { CountdownActor } from './countdown/countdown.actor';
import { KvStoreActor } from './kv-store/kv-store.actor';
import { ListServiceActor } from './list-service/list-service.actor';
import { OrdersActor } from './orders/orders.actor';
import { PriceFeedActor } from './price-feed/price-feed.actor';

/**
 * The seed's services. `IpcModule.forRoot` opens the Unix socket; its path comes from
 * `ACTON_IPC_SOCKET`, `ipc.toml` (`ACTON_IPC_CONFIG`) or the default for app name `acton-sample`.
 * With `ACTON_NATS_URL` set, the app also joins a cluster (`ACTON_CLUSTER`, `ACTON_NODE_ID`);
 * without it the sample stays one process with nothing else to install (the NATS client is
 * loaded only when a cluster node starts). `MetricsModule` records per-actor figures for
 * `acton stats` / `acton top` (the `$acton` actor) and, when `METRICS_PORT` is set, serves
 * Prometheus `/metrics`, `/healthz` and `/readyz` there.
 */
@Module({
  imports: [
    IpcModule.forRoot({ socket: { appName: 'acton-sample' } }),
    MetricsModule.forRoot({ port: process.env.METRICS_PORT ? Number(process.env.METRICS_PORT) : undefined }),
    ...(process.env.ACTON_NATS_URL ? [ClusterModule.forRoot()] : []),
  ],
  actors: [CalculatorActor, KvStoreActor, ListServiceActor, CountdownActor, PriceFeedActor, OrdersActor, CartActor],
})
export class AppModule {}
