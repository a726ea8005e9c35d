import { IpcModule, Module } from 'acton-ts';
import { CalculatorActor } from './calculator/calculator.actor';
import { CountdownActor } from './countdown/countdown.actor';
import { KvStoreActor } from './kv-store/kv-store.actor';
import { ListServiceActor } from './list-service/list-service.actor';
import { OrdersActor } from './orders/orders.actor';
import { PriceFeedActor } from './price-feed/price-feed.actor';

/**
 * The seed's services. `IpcModule.forRoot` opens the Unix socket; its path comes from
 * `ACTON_IPC_SOCKET`, `ipc.toml` (`ACTON_IPC_CONFIG`) or the default for app name `acton-sample`.
 */
@Module({
  imports: [IpcModule.forRoot({ socket: { appName: 'acton-sample' } })],
  actors: [CalculatorActor, KvStoreActor, ListServiceActor, CountdownActor, PriceFeedActor, OrdersActor],
})
export class AppModule {}
