import { IsInt, Max, Min } from 'class-validator';
import { Message } from 'acton-ts';

/** One step of a countdown. */
@Message('CountdownTick')
export class CountdownTick {
  value!: number;
}

/** Counts down from `from` to 1, one tick every `delay_ms`. */
@Message('CountdownRequest', { reply: CountdownTick })
export class CountdownRequest {
  @IsInt() @Min(1) @Max(1_000_000) from!: number;
  @IsInt() @Min(0) @Max(60_000) delay_ms!: number;
  /** Type-level only: typed clients infer `CountdownTick` items. */
  declare readonly __reply?: CountdownTick;
}
