import { IsInt, IsNumber, IsString, Min } from 'class-validator';
import { Message } from 'acton-ts';

/** Broadcast every `PRICE_INTERVAL_MS` for each symbol. */
@Message('PriceUpdate')
export class PriceUpdate {
  @IsString() symbol!: string;
  @IsNumber() price!: number;
}

/** Broadcast now and then, when a simulated trade happens. */
@Message('TradeExecuted')
export class TradeExecuted {
  @IsString() symbol!: string;
  @IsInt() @Min(1) quantity!: number;
  @IsNumber() price!: number;
}

/** Sent by the price feed's own timer to itself every `PRICE_INTERVAL_MS` (in-process only). */
@Message('PriceTick')
export class PriceTick {}
