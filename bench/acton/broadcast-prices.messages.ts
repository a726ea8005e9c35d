import { IsInt, Max, Min } from 'class-validator';
import { Message } from 'acton-ts';

/** What `BroadcastPrices` answers once every broadcast has been issued. */
@Message('BroadcastDone')
export class BroadcastDone {
  /** Number of `PriceUpdate`s broadcast. */
  sent!: number;
}

/** W4's trigger: broadcast `count` `PriceUpdate`s, `batch` per event-loop turn. */
@Message('BroadcastPrices', { reply: BroadcastDone })
export class BroadcastPrices {
  @IsInt() @Min(0) @Max(10_000_000) count!: number;
  @IsInt() @Min(1) @Max(100_000) batch!: number;
}
