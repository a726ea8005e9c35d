import { setImmediate as nextTurn } from 'node:timers/promises';
import { Actor, Broker, OnMessage } from 'acton-ts';
import { PriceUpdate } from '../../sample/price-feed/price-feed.messages';
import { BENCH_SYMBOL, BenchWire } from '../bench-wire';
import { BroadcastDone, BroadcastPrices } from './broadcast-prices.messages';

/**
 * W4's trigger, callable over IPC: broadcasts `count` `PriceUpdate`s through the `Broker` as
 * fast as it allows, yielding to the event loop after each `batch` so the pushes queued for
 * the subscribers reach their sockets (the baseline server paces itself the same way).
 */
@Actor(BenchWire.BROADCASTER)
export class BenchBroadcasterActor {
  constructor(private readonly broker: Broker) {}

  @OnMessage({ ipc: true })
  async broadcast(msg: BroadcastPrices): Promise<BroadcastDone> {
    for (let i = 0; i < msg.count; i++) {
      if (i > 0 && i % msg.batch === 0) await nextTurn();
      const update = new PriceUpdate();
      update.symbol = BENCH_SYMBOL;
      update.price = 100 + (i % 100) / 100;
      this.broker.broadcast(update);
    }
    return { sent: msg.count };
  }
}
