import { IpcModule, Module } from 'acton-ts';
import { MetricsModule } from 'acton-ts/observability';
import { CalculatorActor } from './calculator/calculator.actor';
import { CountdownActor } from './countdown/countdown.actor';
import { KvStoreActor } from './kv-store/kv-store.actor';
import { ListServiceActor } from './list-service/list-service.actor';
import { OrdersActor } from './orders/orders.actor';
import { PriceFeedActor } from './price-feed/price-feed.actor';

/**
 * The seed's services. `IpcModule.forRoot` opens the Unix socket; its path comes from
 * `ACTON_IPC_SOCKET`, `ipc.toml` (`ACTON_IPC_CONFIG`) or the default for app name `acton-sample`.
 * `MetricsModule` records per-actor figures for `acton stats` / `acton top` (the `$acton` actor)
 * and, when `METRICS_PORT` is set, serves Prometheus `/metrics`, `/healthz` and `/readyz` there.
 */
@Module({
  imports: [
    IpcModule.forRoot({ socket: { appName: 'acton-sample' } }),
    MetricsModule.forRoot({ port: process.env.METRICS_PORT ? Number(process.env.METRICS_PORT) : undefined }),
  ],
  actors: [CalculatorActor, KvStoreActor, ListServiceActor, CountdownActor, PriceFeedActor, OrdersActor],
})
export class AppModule {}
