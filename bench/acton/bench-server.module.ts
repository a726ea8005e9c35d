import { IpcModule, Module } from 'acton-ts';
import { CalculatorActor } from '../../sample/calculator/calculator.actor';
import { CountdownActor } from '../../sample/countdown/countdown.actor';
import { KvStoreActor } from '../../sample/kv-store/kv-store.actor';
import { ListServiceActor } from '../../sample/list-service/list-service.actor';
import { OrdersActor } from '../../sample/orders/orders.actor';
import { PriceFeedActor } from '../../sample/price-feed/price-feed.actor';
import { BENCH_PUSH_BUFFER_SIZE } from '../bench-wire';
import { BenchBroadcasterActor } from './bench-broadcaster.actor';

/**
 * The sample's services plus W4's broadcaster, behind the IPC listener (socket path from
 * `ACTON_IPC_SOCKET`). The rate limiter is OFF: the bench measures throughput, and the
 * default 100 requests/s per connection would be all it measured. Payload validation stays ON.
 */
@Module({
  imports: [
    IpcModule.forRoot({
      socket: { appName: 'acton-bench' },
      rateLimit: { enabled: false },
      limits: { pushBufferSize: BENCH_PUSH_BUFFER_SIZE },
    }),
  ],
  actors: [
    CalculatorActor,
    KvStoreActor,
    ListServiceActor,
    CountdownActor,
    PriceFeedActor,
    OrdersActor,
    BenchBroadcasterActor,
  ],
})
export class BenchServerModule {}
