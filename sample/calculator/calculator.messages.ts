import { IsInt } from 'class-validator';
import { Message } from 'acton-ts';

/** The sum of an `AddRequest`. */
@Message('AddResult')
export class AddResult {
  sum!: number;
}

/** Adds two integers; answered with an `AddResult`. */
@Message('AddRequest', { reply: AddResult })
export class AddRequest {
  @IsInt() a!: number;
  @IsInt() b!: number;
  /** Type-level only (emits nothing): lets typed clients infer `AddResult` from `ask()`. */
  declare readonly __reply?: AddResult;
}
