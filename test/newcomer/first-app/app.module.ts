import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';
import { Actor, ActorError, IpcModule, Message, Module, OnMessage } from 'acton-ts';

/** What a `Reserve` is answered with. */
@Message('Reservation')
export class Reservation {
  sku!: string;
  left!: number;
}

/** Reserves `qty` units of `sku`; checked by class-validator before the handler runs. */
@Message('Reserve', { reply: Reservation })
export class Reserve {
  declare readonly __reply?: Reservation; // type-only: typed asks resolve to Reservation
  @IsString() @IsNotEmpty() sku!: string;
  @IsInt() @Min(1) qty!: number;
}

/** One instance per app; its handlers run one at a time, so its state needs no locks. */
@Actor('inventory')
export class InventoryActor {
  private readonly stock = new Map<string, number>([['widget', 10]]);

  @OnMessage({ ipc: true })
  reserve(msg: Reserve): Reservation {
    const left = (this.stock.get(msg.sku) ?? 0) - msg.qty;
    if (left < 0) throw new ActorError('OUT_OF_STOCK', `only ${this.stock.get(msg.sku) ?? 0} ${msg.sku} left`);
    this.stock.set(msg.sku, left);
    return { sku: msg.sku, left };
  }
}

@Module({
  imports: [IpcModule.forRoot({ socket: { appName: 'inventory' } })],
  actors: [InventoryActor],
})
export class AppModule {}
