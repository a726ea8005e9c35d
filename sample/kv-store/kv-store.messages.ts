import { Allow, IsNotEmpty, IsString } from 'class-validator';
import { Message } from 'acton-ts';

/** Stores `value` under `key`. Fire-and-forget: no reply. */
@Message('SetValue')
export class SetValue {
  @IsString() @IsNotEmpty() key!: string;
  /** Any JSON value. `@Allow` keeps it through the validator's whitelist. */
  @Allow() value!: unknown;
}

/** The value stored under a key, `null` when absent. */
@Message('ValueResponse')
export class ValueResponse {
  value!: unknown;
}

/** Reads the value under `key`; answered with a `ValueResponse`. */
@Message('GetValue', { reply: ValueResponse })
export class GetValue {
  @IsString() @IsNotEmpty() key!: string;
}
